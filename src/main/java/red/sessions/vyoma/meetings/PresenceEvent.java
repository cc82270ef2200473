package red.sessions.vyoma.meetings;

import java.time.Instant;
import java.util.Comparator;
import java.util.Locale;

/**
 * One event of a user's presence in a meeting, as kept ({@code presence_events}): Chime's, or the server's own.
 *
 * @param eventId the event's id, unique: Chime's EventBridge id, or one the server derives so that two nodes
 *                recording the same fact record it once
 * @param userId  whose presence it tells of; {@code null} for the meeting's end, which tells of everyone's
 * @param at      when it happened by the event's own time ({@code detail.timestamp}), not when it arrived
 */
record PresenceEvent(String eventId, String userId, Kind kind, Instant at) {

  /** In the order events of the same instant apply: joining first, the meeting's end last. */
  enum Kind {
    JOINED, SEEN, LEFT, DROPPED, RECONCILED, ENDED;

    String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Kind fromWire(String wire) {
      return valueOf(wire.toUpperCase(Locale.ROOT));
    }
  }

  static final Comparator<PresenceEvent> ORDER = Comparator.comparing(PresenceEvent::at)
    .thenComparing(PresenceEvent::kind)
    .thenComparing(PresenceEvent::eventId);

  /** The meeting ended at {@code at}: every interval still open closes then. */
  static PresenceEvent ended(String eventId, Instant at) {
    return new PresenceEvent(eventId, null, Kind.ENDED, at);
  }

  /** The server's own end of a meeting (by {@code DELETE /meetings}, or Chime found to have forgotten it). */
  static PresenceEvent endedNow(String meetingId) {
    return ended("ended/" + meetingId, Instant.now());
  }
}
