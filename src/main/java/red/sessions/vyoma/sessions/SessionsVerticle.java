package red.sessions.vyoma.sessions;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.bus.DomainVerticle;
import red.sessions.vyoma.bus.LocalServices;
import red.sessions.vyoma.files.FileService;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Sessions: one per booking, reached only by the booking's two parties (and admins). Its notes and
 * files are only ever added to, each stamped with its author and the server's time.
 */
public final class SessionsVerticle extends DomainVerticle<SessionService> implements SessionService {

  private final SessionStore store;
  private final String storageBaseUrl;
  private final long requestTimeoutMs;
  private FileService files;

  /**
   * @param storageBaseUrl what every URL of an issued file starts with; the rest is the file's key
   * @param requestTimeoutMs how long a call of the files domain may take
   */
  public SessionsVerticle(Pool pool, String storageBaseUrl, long requestTimeoutMs) {
    super(ADDRESS, SessionService.class, Map.of());
    this.store = new SessionStore(pool, storageBaseUrl);
    this.storageBaseUrl = storageBaseUrl;
    this.requestTimeoutMs = requestTimeoutMs;
  }

  @Override
  public Future<?> start() {
    files = LocalServices.proxy(vertx, FileService.class, FileService.ADDRESS, requestTimeoutMs);
    return super.start();
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
  public Future<List<UUID>> idsOfUser(String userId, UUID after, int limit) {
    return store.idsOfUser(userId, after, limit);
  }

  @Override
  public Future<Session> getByBooking(Caller caller, UUID bookingId) {
    return store.sessionOfBooking(bookingId, caller)
      .compose(session -> store.read(session.orElseThrow(() -> DomainException.notFound("booking " + bookingId
        + " has no session yet")), caller));
  }

  /**
   * A URL this server never issued is invalid from anyone, before the session is read. Whether the caller may
   * share the files it names (its own, uploaded) is the files domain's to say, once the caller is known to be
   * a party, and before the update's transaction, which then holds no connection while the store is asked.
   */
  @Override
  public Future<Void> update(Caller caller, UUID sessionId, SessionUpdate update) {
    List<String> keys = update.files().stream().map(file -> file.key(storageBaseUrl)).toList();
    if (keys.isEmpty()) {
      return store.update(sessionId, update, caller);
    }
    return store.requireParty(sessionId, caller)
      .compose(v -> files.requireShareable(caller, keys))
      .compose(v -> store.update(sessionId, update, caller));
  }

  @Override
  public Future<Void> erase(String userId) {
    return store.erase(userId);
  }
}
