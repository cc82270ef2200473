package red.sessions.vyoma.files;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.platform.S3Clients;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.PresignedPutObjectRequest;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;

/**
 * S3, or an S3-compatible store, through the AWS SDK's {@link S3Presigner} (credentials from the default
 * chain): uploads are pre-signed PUTs with the content type signed in, reads redirect to a pre-signed GET.
 * Presigning computes locally, but resolving credentials may block: it runs on the files worker verticle.
 * Whether an upload landed is asked of the store itself, with the async client ({@code HEAD} of the object).
 */
final class S3FileStorage implements FileStorage, AutoCloseable {

  private static final DomainException UNAVAILABLE = new DomainException(DomainException.Reason.DEPENDENCY_UNAVAILABLE,
    "the file store is unavailable; try again shortly");

  private final Context context;
  private final S3Presigner presigner;
  private final S3AsyncClient client;
  private final String bucket;
  private final Duration downloadExpiry;

  S3FileStorage(Context context, JsonObject config) {
    this.context = context;
    this.bucket = config.getString("s3_bucket");
    if (bucket.isBlank()) {
      throw new IllegalArgumentException("storage.s3_bucket is required with storage.provider s3");
    }
    this.downloadExpiry = Duration.ofSeconds(config.getLong("download_expiry_seconds"));
    S3Clients clients = S3Clients.open(config);
    this.presigner = clients.presigner();
    this.client = clients.client();
  }

  /**
   * The PUT is conditional, {@code If-None-Match: *}, signed into the URL: S3 stores the object only if the key
   * holds none, so a replayed URL cannot replace a file (S3 answers 412). The headers a client must send are
   * the ones the signature covers (all but {@code Host}), read from the presigned request itself.
   */
  @Override
  public SignedPut signPut(String key, String contentType, Duration validFor) {
    PresignedPutObjectRequest presigned = presigner.presignPutObject(request -> request
      .signatureDuration(validFor)
      .putObjectRequest(object -> object.bucket(bucket).key(key).contentType(contentType).ifNoneMatch("*")));
    Map<String, String> headers = new TreeMap<>();
    presigned.signedHeaders().forEach((name, values) -> {
      if (!"host".equalsIgnoreCase(name)) {
        headers.put(headerCase(name), String.join(",", values));
      }
    });
    return new SignedPut(presigned.url().toString(), headers);
  }

  /** {@code if-none-match} as {@code If-None-Match}: how the API has always named {@code Content-Type}. */
  private static String headerCase(String name) {
    return Arrays.stream(name.split("-", -1))
      .map(word -> word.isEmpty() ? word : Character.toUpperCase(word.charAt(0)) + word.substring(1).toLowerCase(Locale.ROOT))
      .collect(Collectors.joining("-"));
  }

  /** Any answer but the object or its absence (404) is the store being unavailable for now. */
  @Override
  public Future<Boolean> exists(String key) {
    return Future.fromCompletionStage(client.headObject(request -> request.bucket(bucket).key(key)), context)
      .map(found -> true)
      .recover(failure -> {
        Throwable cause = unwrapped(failure);
        return cause instanceof S3Exception s3 && s3.statusCode() == 404 ? Future.succeededFuture(false)
          : Future.failedFuture(UNAVAILABLE);
      });
  }

  /** One PUT whose body the SDK reads from the file as it sends it. */
  @Override
  public Future<Void> put(String key, Path file, String contentType) {
    return Future.fromCompletionStage(client.putObject(request -> request.bucket(bucket).key(key).contentType(contentType),
        AsyncRequestBody.fromFile(file)), context)
      .<Void>mapEmpty()
      .recover(failure -> Future.failedFuture(UNAVAILABLE));
  }

  /** The object's body as the SDK receives it, as a blocking stream (it buffers a little ahead of the reader). */
  @Override
  public Future<Optional<InputStream>> open(String key) {
    return Future.fromCompletionStage(client.getObject(request -> request.bucket(bucket).key(key),
        AsyncResponseTransformer.toBlockingInputStream()), context)
      .<Optional<InputStream>>map(Optional::of)
      .recover(failure -> {
        Throwable cause = unwrapped(failure);
        return cause instanceof NoSuchKeyException || cause instanceof S3Exception s3 && s3.statusCode() == 404
          ? Future.succeededFuture(Optional.empty()) : Future.failedFuture(UNAVAILABLE);
      });
  }

  @Override
  public String signGet(String key, String contentType, String fileName, Duration validFor) {
    return presignGet(key, contentType, "attachment; filename=\"" + fileName + "\"", validFor);
  }

  private String presignGet(String key, String contentType, String disposition, Duration validFor) {
    return presigner.presignGetObject(request -> request
        .signatureDuration(validFor)
        .getObjectRequest(object -> object.bucket(bucket).key(key)
          .responseContentType(contentType)
          .responseContentDisposition(disposition)))
      .url().toString();
  }

  @Override
  public Future<FileRead> read(String key, String contentType, String fileName) {
    return Future.succeededFuture(new FileRead.Redirect(
      presignGet(key, contentType, "inline; filename=\"" + fileName + "\"", downloadExpiry)));
  }

  private static Throwable unwrapped(Throwable failure) {
    return failure instanceof CompletionException wrapped && wrapped.getCause() != null ? wrapped.getCause() : failure;
  }

  /** S3 answers a delete of a key that holds nothing as it answers any other delete. */
  @Override
  public Future<Void> delete(String key) {
    return Future.fromCompletionStage(client.deleteObject(request -> request.bucket(bucket).key(key)), context)
      .<Void>mapEmpty()
      .recover(failure -> Future.failedFuture(UNAVAILABLE));
  }

  @Override
  public void close() {
    client.close();
    presigner.close();
  }
}
