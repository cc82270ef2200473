package red.sessions.vyoma.sessions;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.kernel.Times;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Function;

/**
 * The sessions' wire format, in one place: a session with its notes and files as the API answers it, and as
 * the events of its changes ({@code session.*}) carry it.
 */
public final class SessionJson {

  private SessionJson() {
  }

  /**
   * The session; {@code meeting_data} is {@code {}} while no meeting is live. Open presence intervals count
   * their seconds until now.
   */
  public static JsonObject session(Session session) {
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
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
      .put("files", entries(session.files(), file -> new JsonObject().put("name", file.name()).put("url", file.url())))
      .put("attendance", new JsonArray(session.attendance().stream().map(presence -> presence(presence, now)).toList()))
      .put("presence", new JsonObject()
        .put("student", partyPresence(session.attendance(), session.studentId(), now))
        .put("teacher", partyPresence(session.attendance(), session.teacherId(), now)));
  }

  /** A time a user was present, {@code seconds} counted until {@code now} while it lasts. */
  public static JsonObject presence(Session.Presence presence, OffsetDateTime now) {
    return new JsonObject()
      .put("user_id", presence.userId())
      .put("joined_at", Times.format(presence.joinedAt()))
      .put("left_at", presence.leftAt() != null ? Times.format(presence.leftAt()) : null)
      .put("seconds", presence.seconds(now));
  }

  /** A party's time in the session's meetings, all their intervals added up, and when they first joined. */
  private static JsonObject partyPresence(List<Session.Presence> attendance, String userId, OffsetDateTime now) {
    List<Session.Presence> theirs = attendance.stream().filter(presence -> presence.userId().equals(userId)).toList();
    return new JsonObject()
      .put("present_seconds", theirs.stream().mapToLong(presence -> presence.seconds(now)).sum())
      .put("first_joined_at", theirs.isEmpty() ? null : Times.format(theirs.get(0).joinedAt()));
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
