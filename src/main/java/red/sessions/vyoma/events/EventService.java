package red.sessions.vyoma.events;

import io.vertx.core.Future;
import red.sessions.vyoma.auth.Caller;

import java.util.UUID;

/**
 * The outbox as users read it, served on the event bus at {@link #ADDRESS}: each user reads the events
 * that name them; an admin may read all of them ({@code all}). Its tables ({@code events},
 * {@code event_subjects}) are read and written by this package alone; published for other domains: writing,
 * {@link Outbox}; reading the outbox in order on one's own connection, {@link EventStore#readAll}; and the
 * view {@code event_envelopes} (migration V14), an event's envelope by id.
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

  /**
   * For erasures/: the events addressed to the user keep their envelope but their {@code data} keeps only its ids
   * (the top-level {@code id} and {@code *_id} fields).
   */
  Future<Void> erase(String userId);
}
