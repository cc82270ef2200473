package red.sessions.vyoma.sessions;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.kernel.Times;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * A session with its booking's parties and times, and what its parties added to it, in the order they
 * added it.
 *
 * @param meetingData the live meeting in Chime's own shape, opaque here; {@code null} while none is live
 */
public record Session(UUID sessionId, UUID bookingId, String studentId, String teacherId, OffsetDateTime startTime,
                      OffsetDateTime endTime, SessionStatus status, JsonObject meetingData, OffsetDateTime createdAt,
                      OffsetDateTime updatedAt, List<Note> notes, List<SharedFile> files) {

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

  public record SharedFile(UUID id, String authorId, String name, String url, OffsetDateTime timestamp,
                           OffsetDateTime createdAt) implements Entry {
  }

  /** The session as the API shows it; {@code meeting_data} is {@code {}} while no meeting is live. */
  public JsonObject toJson() {
    return new JsonObject()
      .put("session_id", sessionId.toString())
      .put("booking_id", bookingId.toString())
      .put("student_id", studentId)
      .put("teacher_id", teacherId)
      .put("start_time", Times.format(startTime))
      .put("end_time", Times.format(endTime))
      .put("status", status.wire())
      .put("meeting_data", meetingData != null ? meetingData : new JsonObject())
      .put("created_at", Times.format(createdAt))
      .put("updated_at", Times.format(updatedAt))
      .put("notes", entries(notes, note -> new JsonObject().put("text", note.text())))
      .put("files", entries(files, file -> new JsonObject().put("name", file.name()).put("url", file.url())));
  }

  /** Notes or files in the order they were added: each its content, then its id, author and times. */
  private static <E extends Entry> JsonArray entries(List<E> entries, Function<E, JsonObject> content) {
    return new JsonArray(entries.stream().map(entry -> content.apply(entry)
      .put("id", entry.id().toString())
      .put("author_id", entry.authorId())
      .put("timestamp", Times.format(entry.timestamp()))
      .put("created_at", Times.format(entry.createdAt()))).toList());
  }
}
