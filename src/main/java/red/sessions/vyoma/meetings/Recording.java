package red.sessions.vyoma.meetings;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * One capture of a session's meeting (a Chime media capture pipeline, {@code recordingId} its id), running while
 * {@code stoppedAt} is null, and, when listed, the files it left in the recordings bucket.
 *
 * @param stopReason {@code stopped}, {@code consent_withdrawn}, {@code lesson_over} or {@code meeting_ended};
 *                   null while it runs
 */
public record Recording(String recordingId, UUID sessionId, String meetingId, int capture, String startedBy,
                        OffsetDateTime startedAt, OffsetDateTime stoppedAt, String stopReason,
                        List<Artifact> artifacts) {

  /** A file of the capture: its key in the bucket, its size, and a pre-signed GET valid until {@code expiresAt}. */
  public record Artifact(String key, long size, OffsetDateTime lastModified, String url, OffsetDateTime expiresAt) {
  }

  public boolean running() {
    return stoppedAt == null;
  }

  Recording withArtifacts(List<Artifact> found) {
    return new Recording(recordingId, sessionId, meetingId, capture, startedBy, startedAt, stoppedAt, stopReason, found);
  }
}
