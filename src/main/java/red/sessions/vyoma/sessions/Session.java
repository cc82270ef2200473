package red.sessions.vyoma.sessions;

import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * A session with its booking's parties and times, and what its parties added to it, in the order they
 * added it.
 *
 * @param meetingData the live meeting in Chime's own shape, opaque here; {@code null} while none is live
 * @param attendance  when each user was present in the session's meetings, by Chime's events, in the order they
 *                    joined; empty where the server does not follow them
 */
public record Session(UUID sessionId, UUID bookingId, String studentId, String teacherId, OffsetDateTime startTime,
                      OffsetDateTime endTime, SessionStatus status, JsonObject meetingData, OffsetDateTime createdAt,
                      OffsetDateTime updatedAt, List<Note> notes, List<SharedFile> files, List<Presence> attendance) {

  /**
   * What a party added to the session, stamped with its author and the server's time ({@code createdAt});
   * {@code timestamp} is the time the author sent with it, or the server's when they sent none.
   */
  public interface Entry {
    UUID id();

    String authorId();

    OffsetDateTime timestamp();

    OffsetDateTime createdAt();
  }

  public record Note(UUID id, String authorId, String text, OffsetDateTime timestamp, OffsetDateTime createdAt)
    implements Entry {
  }

  /**
   * A time a user was present in one of the session's meetings; {@code leftAt} is {@code null} while they still
   * are. Published by meetings/ ({@code session_presence}), which also sends it in its {@code attendance.*} events.
   */
  public record Presence(String userId, OffsetDateTime joinedAt, OffsetDateTime leftAt) {

    /** Whole seconds present, until {@code now} while the interval is open. */
    public long seconds(OffsetDateTime now) {
      return Math.max(0, Duration.between(joinedAt, leftAt != null ? leftAt : now).toSeconds());
    }
  }

  public record SharedFile(UUID id, String authorId, String name, String url, OffsetDateTime timestamp,
                           OffsetDateTime createdAt) implements Entry {
  }
}
