package red.sessions.vyoma.meetings;

import io.vertx.core.json.JsonObject;

/** An attendee: its id and the provider's {@code Attendee} object (with the join token), as the client SDKs take it. */
public record Attendee(String attendeeId, JsonObject attendeeData) {

  static Attendee of(JsonObject record) {
    return new Attendee(record.getString("attendee_id"), record.getJsonObject("attendee_data"));
  }

  /** The attendee as the API shows it to the user who joined, join token and all. */
  public JsonObject toJson() {
    return new JsonObject().put("attendee_id", attendeeId).put("attendee_data", attendeeData);
  }

  /**
   * The attendee as its event shows it to both parties: without the join token, which lets whoever holds it
   * into the meeting as this attendee.
   */
  JsonObject toEventJson(String meetingId, String userId) {
    JsonObject data = attendeeData.copy();
    data.remove("JoinToken");
    return new JsonObject().put("meeting_id", meetingId).put("user_id", userId).put("attendee_id", attendeeId)
      .put("attendee_data", data);
  }
}
