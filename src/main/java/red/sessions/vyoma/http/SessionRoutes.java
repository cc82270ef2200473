package red.sessions.vyoma.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.bus.JsonFields;
import red.sessions.vyoma.bus.Times;
import red.sessions.vyoma.sessions.Session;
import red.sessions.vyoma.sessions.SessionService;
import red.sessions.vyoma.sessions.SessionUpdate;

import java.util.List;
import java.util.function.Function;

/** {@code /sessions} and a booking's session: the seed's shapes. */
final class SessionRoutes {

  private SessionRoutes() {
  }

  static void mount(Endpoints api, SessionService sessions) {
    api.post("/sessions", call -> sessions.create(call.caller(),
        JsonFields.uuid(JsonFields.requiredString(call.body(), "booking_id", "booking_id"), "booking_id"))
      .map(created -> Reply.createdOrOk(created.created(), new JsonObject()
        .put("session_id", created.sessionId().toString())
        .put("message", created.created() ? "Session created successfully" : "Session already exists"))));
    api.get("/sessions/:id", call -> sessions.get(call.caller(), call.pathUuid("id"))
      .map(session -> Reply.ok(json(session))));
    api.put("/sessions/:id", call -> sessions.update(call.caller(), call.pathUuid("id"), SessionUpdate.parse(call.body()))
      .map(v -> Reply.ok(new JsonObject().put("message", "Session updated successfully"))));
    api.get("/bookings/:booking_id/session", call -> sessions.getByBooking(call.caller(), call.pathUuid("booking_id"))
      .map(session -> Reply.ok(json(session))));
  }

  /** The session as the seed shows it; {@code meeting_data} is {@code {}} while no meeting is live. */
  private static JsonObject json(Session session) {
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
