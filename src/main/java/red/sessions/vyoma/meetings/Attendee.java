package red.sessions.vyoma.meetings;

import io.vertx.core.json.JsonObject;

/** An attendee: its id and the provider's {@code Attendee} object (with the join token), as the client SDKs take it. */
public record Attendee(String attendeeId, JsonObject attendeeData) {

  static Attendee of(JsonObject record) {
    return new Attendee(record.getString("attendee_id"), record.getJsonObject("attendee_data"));
  }
}
