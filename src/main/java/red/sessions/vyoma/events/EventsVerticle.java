package red.sessions.vyoma.events;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.bus.DomainVerticle;

import java.util.Map;
import java.util.UUID;

/**
 * Events as users read them: a user sees exactly the events whose {@code users} name them, whoever asks
 * for whom; only an admin reads every event, and only by asking for all of them.
 */
public final class EventsVerticle extends DomainVerticle<EventService> implements EventService {

  private final EventStore store;

  public EventsVerticle(Pool pool) {
    super(ADDRESS, EventService.class, Map.of());
    this.store = new EventStore(pool);
  }

  @Override
  public Future<EventCursor> start(Caller caller, boolean all, UUID after, boolean fromNow) {
    requireAllowed(caller, all);
    if (after != null) {
      return store.cursorOf(reader(caller, all), after);
    }
    return fromNow ? store.now() : Future.succeededFuture(EventCursor.BEGINNING);
  }

  @Override
  public Future<EventPage> read(Caller caller, boolean all, EventCursor after, int limit) {
    requireAllowed(caller, all);
    return store.read(reader(caller, all), after, limit);
  }

  /** Whose events the caller reads: their own, or (null) everyone's. */
  private static String reader(Caller caller, boolean all) {
    return all ? null : caller.userId();
  }

  private static void requireAllowed(Caller caller, boolean all) {
    if (all && !caller.admin()) {
      throw DomainException.forbidden("only admins may read every user's events (all=true)");
    }
  }

  @Override
  public Future<Void> erase(String userId) {
    return store.erase(userId);
  }
}
