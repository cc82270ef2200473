package red.sessions.vyoma.files;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.net.URI;
import java.time.Duration;

/**
 * S3, or an S3-compatible store, through the AWS SDK's {@link S3Presigner} (credentials from the default
 * chain): uploads are pre-signed PUTs with the content type signed in, reads redirect to a pre-signed GET.
 * Presigning computes locally, but resolving credentials may block: it runs on the files worker verticle.
 */
final class S3FileStorage implements FileStorage, AutoCloseable {

  private final S3Presigner presigner;
  private final String bucket;
  private final Duration downloadExpiry;

  S3FileStorage(JsonObject config) {
    this.bucket = config.getString("s3_bucket");
    if (bucket.isBlank()) {
      throw new IllegalArgumentException("storage.s3_bucket is required with storage.provider s3");
    }
    this.downloadExpiry = Duration.ofSeconds(config.getLong("download_expiry_seconds"));
    S3Presigner.Builder builder = S3Presigner.builder()
      .region(Region.of(config.getString("s3_region")))
      .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(config.getBoolean("s3_path_style")).build());
    String endpoint = config.getString("s3_endpoint", "");
    if (!endpoint.isBlank()) {
      builder.endpointOverride(URI.create(endpoint));
    }
    this.presigner = builder.build();
  }

  @Override
  public String uploadUrl(String key, String contentType, Duration validFor) {
    return presigner.presignPutObject(request -> request
        .signatureDuration(validFor)
        .putObjectRequest(object -> object.bucket(bucket).key(key).contentType(contentType)))
      .url().toString();
  }

  @Override
  public Future<FileRead> read(String key, String contentType, String fileName) {
    String url = presigner.presignGetObject(request -> request
        .signatureDuration(downloadExpiry)
        .getObjectRequest(object -> object.bucket(bucket).key(key)
          .responseContentType(contentType)
          .responseContentDisposition("inline; filename=\"" + fileName + "\"")))
      .url().toString();
    return Future.succeededFuture(new FileRead.Redirect(url));
  }

  @Override
  public void close() {
    presigner.close();
  }
}
