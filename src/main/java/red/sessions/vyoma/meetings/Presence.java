package red.sessions.vyoma.meetings;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The intervals a user was present in a meeting, as their events make them, whatever order the events came
 * in: ordered by their own time, a Joined opens an interval (one while another is open changes nothing), a
 * Left or Dropped closes it, a Joined after that opens the next, and the meeting's end closes the open one and
 * ends it all. An interval the server closed because Chime no longer listed the user (reconciliation, at the
 * last time they were known there) is closed again by a real Left or Dropped that turns up later, at its time.
 */
final class Presence {

  /** A time present; {@code leftAt} is {@code null} while it lasts. */
  record Interval(Instant joinedAt, Instant leftAt) {
  }

  private Presence() {
  }

  /** The intervals the user's events (and the meeting's end, if among them) make, in order. */
  static List<Interval> intervals(List<PresenceEvent> events) {
    List<Interval> intervals = new ArrayList<>();
    Instant open = null;
    int reconciled = -1;
    for (PresenceEvent event : events.stream().sorted(PresenceEvent.ORDER).toList()) {
      switch (event.kind()) {
        case JOINED -> {
          if (open == null) {
            open = event.at();
            reconciled = -1;
          }
        }
        case LEFT, DROPPED -> {
          if (open != null) {
            intervals.add(new Interval(open, event.at()));
            open = null;
          } else if (reconciled >= 0) {
            intervals.set(reconciled, new Interval(intervals.get(reconciled).joinedAt(), event.at()));
          }
          reconciled = -1;
        }
        case RECONCILED -> {
          if (open != null) {
            intervals.add(new Interval(open, event.at()));
            open = null;
            reconciled = intervals.size() - 1;
          }
        }
        case ENDED -> {
          if (open != null) {
            intervals.add(new Interval(open, event.at()));
          }
          return intervals;
        }
        case SEEN -> {
          // when Chime last listed the user: where reconciliation closes an interval, not a change of it
        }
      }
    }
    if (open != null) {
      intervals.add(new Interval(open, null));
    }
    return intervals;
  }
}
