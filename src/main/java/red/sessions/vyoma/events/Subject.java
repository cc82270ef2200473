package red.sessions.vyoma.events;

import io.vertx.core.json.JsonObject;

import java.util.UUID;

/**
 * What an event is about: the booking of a lesson, and the session and meeting under it when the event
 * is theirs. {@code sequence} counts per booking, so a receiver orders all of one lesson's events.
 */
public record Subject(UUID bookingId, UUID sessionId, String meetingId) {

  public static Subject booking(UUID bookingId) {
    return new Subject(bookingId, null, null);
  }

  public static Subject session(UUID bookingId, UUID sessionId) {
    return new Subject(bookingId, sessionId, null);
  }

  public static Subject meeting(UUID bookingId, UUID sessionId, String meetingId) {
    return new Subject(bookingId, sessionId, meetingId);
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject().put("booking_id", bookingId.toString());
    if (sessionId != null) {
      json.put("session_id", sessionId.toString());
    }
    if (meetingId != null) {
      json.put("meeting_id", meetingId);
    }
    return json;
  }
}
