package red.sessions.vyoma.events;

import io.vertx.core.Future;
import red.sessions.vyoma.auth.Caller;

import java.util.UUID;

/**
 * The outbox as users read it, served on the event bus at {@link #ADDRESS}: each user reads the events
 * that name them; an admin may read all of them ({@code all}).
 */
public interface EventService {

  String ADDRESS = "vyoma.events";

  /**
   * Where a reader starts: after the event it names ({@code after}), or, without one, {@code fromNow} at the
   * newest events, else before the first.
   */
  Future<EventCursor> start(Caller caller, boolean all, UUID after, boolean fromNow);

  /** The caller's events after the cursor, oldest first, at most {@code limit}. */
  Future<EventPage> read(Caller caller, boolean all, EventCursor after, int limit);
}
