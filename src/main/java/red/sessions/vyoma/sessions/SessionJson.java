package red.sessions.vyoma.sessions;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.kernel.Times;

import java.util.List;
import java.util.function.Function;

/**
 * The sessions' wire format, in one place: a session with its notes and files as the API answers it, and as
 * the events of its changes ({@code session.*}) carry it.
 */
public final class SessionJson {

  private SessionJson() {
  }

  /** The session; {@code meeting_data} is {@code {}} while no meeting is live. */
  public static JsonObject session(Session session) {
    return new JsonObject()
      .put("session_id", session.sessionId().toString())
      .put("booking_id", session.bookingId().toString())
      .put("student_id", session.studentId())
      .put("teacher_id", session.teacherId())
      .put("start_time", Times.format(session.startTime()))
      .put("end_time", Times.format(session.endTime()))
      .put("status", session.status().wire())
      .put("meeting_data", session.meetingData() != null ? session.meetingData() : new JsonObject())
      .put("created_at", Times.format(session.createdAt()))
      .put("updated_at", Times.format(session.updatedAt()))
      .put("notes", entries(session.notes(), note -> new JsonObject().put("text", note.text())))
      .put("files", entries(session.files(), file -> new JsonObject().put("name", file.name()).put("url", file.url())));
  }

  /** Notes or files in the order they were added: each its content, then its id, author and times. */
  private static <E extends Session.Entry> JsonArray entries(List<E> entries, Function<E, JsonObject> content) {
    return new JsonArray(entries.stream().map(entry -> content.apply(entry)
      .put("id", entry.id().toString())
      .put("author_id", entry.authorId())
      .put("timestamp", Times.format(entry.timestamp()))
      .put("created_at", Times.format(entry.createdAt()))).toList());
  }
}
