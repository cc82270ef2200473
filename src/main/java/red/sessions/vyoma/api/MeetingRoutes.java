package red.sessions.vyoma.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.kernel.Text;
import red.sessions.vyoma.meetings.MeetingJson;
import red.sessions.vyoma.meetings.MeetingService;
import red.sessions.vyoma.meetings.NewAttendee;

/**
 * {@code /meetings}, {@code /attendees} and a session's recordings: 201 when the call started the meeting, made the
 * attendee or started the recording, 200 when it was there.
 */
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
    api.put("/sessions/:id/recording-consent", call -> meetings.consent(call.caller(), call.pathUuid("id"),
        JsonFields.requiredBoolean(call.body(), "consent", "consent"))
      .map(consents -> Reply.ok(MeetingJson.consents(consents))));
    api.post("/sessions/:id/recording", call -> meetings.startRecording(call.caller(), call.pathUuid("id"))
      .map(started -> Reply.createdOrOk(started.made(), MeetingJson.recording(started.value()))));
    api.delete("/sessions/:id/recording", call -> meetings.stopRecording(call.caller(), call.pathUuid("id"))
      .map(stopped -> Reply.ok(MeetingJson.recording(stopped))));
    api.get("/sessions/:id/recordings", call -> meetings.recordings(call.caller(), call.pathUuid("id"))
      .map(all -> Reply.ok(new JsonObject().put("recordings",
        new JsonArray(all.stream().map(MeetingJson::recording).toList())))));
  }

  private static NewAttendee newAttendee(JsonObject body) {
    return new NewAttendee(
      JsonFields.requiredString(body, "meeting_id", "meeting_id"),
      JsonFields.requiredString(body, "user_id", "user_id"),
      Text.bounded(JsonFields.requiredString(body, "name", "name"), "name", 1, NewAttendee.MAX_NAME));
  }
}
