package red.sessions.vyoma.meetings;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.platform.S3Clients;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The files Chime's captures left in the recordings bucket ({@code recordings.bucket}, reached as the file store
 * reaches S3: {@link S3Clients} from the {@code storage} section), each with a pre-signed GET valid for
 * {@code recordings.url_expiry_seconds}. Presigning computes locally, but resolving credentials may block: this
 * runs on the meetings worker verticle.
 */
final class RecordingFiles implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RecordingFiles.class);

  private final Context context;
  private final S3Clients s3;
  private final String bucket;
  private final Duration expiry;

  RecordingFiles(Context context, JsonObject storage, JsonObject recordings) {
    this.context = context;
    this.s3 = S3Clients.open(storage);
    this.bucket = recordings.getString("bucket");
    this.expiry = Duration.ofSeconds(recordings.getLong("url_expiry_seconds"));
  }

  /** The session's captures, each with the files under its own folder ({@code recordings/<session_id>/<capture>/}). */
  Future<List<Recording>> withArtifacts(UUID sessionId, List<Recording> captures) {
    if (captures.isEmpty()) {
      return Future.succeededFuture(captures);
    }
    String prefix = MediaCapture.prefix(sessionId);
    List<S3Object> objects = new ArrayList<>();
    return Future.fromCompletionStage(s3.client().listObjectsV2Paginator(request -> request.bucket(bucket).prefix(prefix))
        .contents().subscribe(objects::add), context)
      .recover(failure -> {
        LOG.warn("Could not list the recordings under {}: {}", prefix, failure.toString());
        return Future.failedFuture(new DomainException(DomainException.Reason.DEPENDENCY_UNAVAILABLE,
          "the recordings store is unavailable; try again shortly"));
      })
      .map(v -> {
        OffsetDateTime expiresAt = OffsetDateTime.now(ZoneOffset.UTC).plus(expiry);
        Map<Integer, List<Recording.Artifact>> byCapture = new HashMap<>();
        for (S3Object object : objects) {
          String rest = object.key().substring(prefix.length());
          int slash = rest.indexOf('/');
          if (slash > 0 && slash < 10 && rest.substring(0, slash).chars().allMatch(Character::isDigit)) {
            byCapture.computeIfAbsent(Integer.parseInt(rest.substring(0, slash)), capture -> new ArrayList<>())
              .add(new Recording.Artifact(object.key(), object.size(),
                object.lastModified().atOffset(ZoneOffset.UTC), presign(object.key()), expiresAt));
          }
        }
        return captures.stream()
          .map(capture -> capture.withArtifacts(byCapture.getOrDefault(capture.capture(), List.of())))
          .toList();
      });
  }

  /** Deletes every file of the session's captures (under {@code recordings/<session_id>/}). */
  Future<Void> deleteAll(UUID sessionId) {
    String prefix = MediaCapture.prefix(sessionId);
    List<S3Object> objects = new ArrayList<>();
    return Future.fromCompletionStage(s3.client().listObjectsV2Paginator(request -> request.bucket(bucket).prefix(prefix))
        .contents().subscribe(objects::add), context)
      .compose(listed -> Future.all(objects.stream().map(object -> Future.fromCompletionStage(
        s3.client().deleteObject(request -> request.bucket(bucket).key(object.key())), context)).toList()))
      .mapEmpty();
  }

  private String presign(String key) {
    return s3.presigner().presignGetObject(request -> request.signatureDuration(expiry)
      .getObjectRequest(object -> object.bucket(bucket).key(key))).url().toString();
  }

  /** Blocks while the S3 client winds down: call it from a worker thread. */
  @Override
  public void close() {
    s3.close();
  }
}
