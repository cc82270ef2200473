package red.sessions.vyoma.api;

import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.sessions.SessionJson;
import red.sessions.vyoma.sessions.SessionService;

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
      .map(session -> Reply.ok(SessionJson.session(session))));
    api.put("/sessions/:id", call -> sessions.update(call.caller(), call.pathUuid("id"), SessionBodies.update(call.body()))
      .map(v -> Reply.ok(new JsonObject().put("message", "Session updated successfully"))));
    api.get("/bookings/:booking_id/session", call -> sessions.getByBooking(call.caller(), call.pathUuid("booking_id"))
      .map(session -> Reply.ok(SessionJson.session(session))));
  }
}
