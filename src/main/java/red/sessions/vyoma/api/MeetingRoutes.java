package red.sessions.vyoma.api;

import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.kernel.Text;
import red.sessions.vyoma.meetings.MeetingJson;
import red.sessions.vyoma.meetings.MeetingService;
import red.sessions.vyoma.meetings.NewAttendee;

/** {@code /meetings} and {@code /attendees}: 201 when the call started the meeting or made the attendee, 200 when it was there. */
final class MeetingRoutes {

  private MeetingRoutes() {
  }

  static void mount(Endpoints api, MeetingService meetings) {
    api.post("/meetings", call -> meetings.join(call.caller(),
        JsonFields.uuid(JsonFields.requiredString(call.body(), "session_id", "session_id"), "session_id"))
      .map(joined -> Reply.createdOrOk(joined.made(), MeetingJson.meeting(joined.value()))));
    api.get("/meetings/:session_id", call -> meetings.live(call.caller(), call.pathUuid("session_id"))
      .map(meeting -> Reply.ok(MeetingJson.meeting(meeting))));
    api.delete("/meetings", call -> meetings.end(call.caller(),
        JsonFields.requiredString(call.body(), "meeting_id", "meeting_id"))
      .map(v -> Reply.ok(new JsonObject().put("message", "Meeting ended successfully"))));
    api.post("/attendees", call -> meetings.attend(call.caller(), newAttendee(call.body()))
      .map(joined -> Reply.createdOrOk(joined.made(), MeetingJson.attendee(joined.value()))));
  }

  private static NewAttendee newAttendee(JsonObject body) {
    return new NewAttendee(
      JsonFields.requiredString(body, "meeting_id", "meeting_id"),
      JsonFields.requiredString(body, "user_id", "user_id"),
      Text.bounded(JsonFields.requiredString(body, "name", "name"), "name", 1, NewAttendee.MAX_NAME));
  }
}
