package red.sessions.vyoma.meetings;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A meeting event of Chime's as EventBridge delivers it to the queue: the event's envelope ({@code id},
 * {@code detail-type} "Chime Meeting State Change", {@code source} "aws.chime") and its {@code detail}
 * ({@code eventType}, {@code meetingId}, {@code externalUserId}, {@code timestamp} in epoch milliseconds).
 *
 * @param kind what the server follows of it; empty for the types it does not ({@code chime:AttendeeAdded},
 *             {@code chime:MeetingStarted}, …, and events that are not Chime's meeting state changes)
 */
record ChimeEvent(String id, String type, Optional<PresenceEvent.Kind> kind, String meetingId, String externalUserId,
                  Instant at) {

  static final String DETAIL_TYPE = "Chime Meeting State Change";

  private static final Map<String, PresenceEvent.Kind> FOLLOWED = Map.of(
    "chime:AttendeeJoined", PresenceEvent.Kind.JOINED,
    "chime:AttendeeLeft", PresenceEvent.Kind.LEFT,
    "chime:AttendeeDropped", PresenceEvent.Kind.DROPPED,
    "chime:MeetingEnded", PresenceEvent.Kind.ENDED);

  /** The event in a message's body; invalid ({@link IllegalArgumentException}) when the body is not one. */
  static ChimeEvent parse(String body) {
    JsonObject event;
    try {
      event = new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException("the body is not a JSON object");
    }
    String id = text(event, "id");
    if (!DETAIL_TYPE.equals(event.getValue("detail-type"))) {
      return new ChimeEvent(id, String.valueOf(event.getValue("detail-type")), Optional.empty(), null, null, null);
    }
    if (!(event.getValue("detail") instanceof JsonObject detail)) {
      throw new IllegalArgumentException("the event has no detail object");
    }
    String type = text(detail, "eventType");
    Optional<PresenceEvent.Kind> kind = Optional.ofNullable(FOLLOWED.get(type));
    if (kind.isEmpty()) {
      return new ChimeEvent(id, type, kind, null, null, null);
    }
    if (!(detail.getValue("timestamp") instanceof Number timestamp)) {
      throw new IllegalArgumentException("the event's detail.timestamp is not a number");
    }
    String externalUserId = kind.get() == PresenceEvent.Kind.ENDED ? null : text(detail, "externalUserId");
    return new ChimeEvent(id, type, kind, text(detail, "meetingId"), externalUserId,
      Instant.ofEpochMilli(timestamp.longValue()));
  }

  private static String text(JsonObject object, String field) {
    if (!(object.getValue(field) instanceof String value) || value.isBlank()) {
      throw new IllegalArgumentException("the event has no " + field);
    }
    return value;
  }

  /** The presence event this tells of, for the user behind {@link #externalUserId}. */
  PresenceEvent of(String userId) {
    return new PresenceEvent(id, userId, kind.orElseThrow(), at);
  }
}
