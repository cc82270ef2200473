package red.sessions.vyoma.sessions;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.bus.DomainVerticle;

import java.util.Map;
import java.util.UUID;

/**
 * Sessions: one per booking, reached only by the booking's two parties (and admins). Its notes and
 * files are only ever added to, each stamped with its author and the server's time.
 */
public final class SessionsVerticle extends DomainVerticle<SessionService> implements SessionService {

  private final SessionStore store;

  public SessionsVerticle(Pool pool, String storageBaseUrl) {
    super(ADDRESS, SessionService.class, Map.of());
    this.store = new SessionStore(pool, storageBaseUrl);
  }

  @Override
  public Future<CreatedSession> create(Caller caller, UUID bookingId) {
    return store.create(bookingId, caller);
  }

  @Override
  public Future<Session> get(Caller caller, UUID sessionId) {
    return store.read(sessionId, caller);
  }

  @Override
  public Future<Session> getByBooking(Caller caller, UUID bookingId) {
    return store.sessionOfBooking(bookingId, caller)
      .compose(session -> store.read(session.orElseThrow(() -> DomainException.notFound("booking " + bookingId
        + " has no session; create it with POST /sessions")), caller));
  }

  @Override
  public Future<Void> update(Caller caller, UUID sessionId, SessionUpdate update) {
    return store.update(sessionId, update, caller);
  }
}
