package red.sessions.vyoma.meetings;

import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.bus.JsonFields;

/** A validated {@code POST /attendees} body: the meeting, the user joining it and their display name (1 to 100 characters). */
public record NewAttendee(String meetingId, String userId, String name) {

  static final int MAX_NAME = 100;

  public static NewAttendee parse(JsonObject body) {
    return new NewAttendee(
      JsonFields.requiredString(body, "meeting_id", "meeting_id"),
      JsonFields.requiredString(body, "user_id", "user_id"),
      JsonFields.bounded(JsonFields.requiredString(body, "name", "name"), "name", 1, MAX_NAME));
  }
}
