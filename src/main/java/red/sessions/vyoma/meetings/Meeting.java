package red.sessions.vyoma.meetings;

import io.vertx.core.json.JsonObject;

/** A meeting: its id and the provider's {@code Meeting} object, as the Chime client SDKs take it. */
public record Meeting(String meetingId, JsonObject meetingData) {

  static Meeting of(JsonObject record) {
    return new Meeting(record.getString("meeting_id"), record.getJsonObject("meeting_data"));
  }

  /** The meeting as the API shows it. */
  public JsonObject toJson() {
    return new JsonObject().put("meeting_id", meetingId).put("meeting_data", meetingData);
  }
}
