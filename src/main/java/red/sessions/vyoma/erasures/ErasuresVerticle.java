package red.sessions.vyoma.erasures;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.auth.RefusedSubjects;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.bus.DomainVerticle;
import red.sessions.vyoma.bus.Echo;
import red.sessions.vyoma.kernel.Page;
import red.sessions.vyoma.kernel.Text;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Erasure requests and their progress. This node refuses the user's tokens before it answers an accepted request;
 * the request is told to every other node ({@link ErasedUsers#REFUSED}), which refuses them as soon as the message
 * arrives, and to the runner, which starts it.
 */
public final class ErasuresVerticle extends DomainVerticle<ErasureService> implements ErasureService {

  private static final Logger LOG = LoggerFactory.getLogger(ErasuresVerticle.class);
  static final int MAX_REASON = 500;

  private final ErasureStore store;
  private final RefusedSubjects refused;

  /**
   * @param refused the subjects this node's token verifier refuses
   */
  public ErasuresVerticle(Pool pool, RefusedSubjects refused) {
    super(ADDRESS, ErasureService.class, Map.of());
    this.store = new ErasureStore(pool);
    this.refused = refused;
  }

  @Override
  public Future<RequestedErasure> request(Caller caller, String userId, String reason) {
    if (!caller.actsFor(userId)) {
      throw DomainException.forbidden("a user is erased only at their own request or an admin's");
    }
    if (reason != null && !caller.admin()) {
      throw DomainException.forbidden("only an admin gives a reason for an erasure");
    }
    String bounded = reason == null ? null : Text.bounded(reason, "reason", 1, MAX_REASON);
    return store.request(userId, caller.userId(), bounded).compose(made -> {
      if (made.isPresent()) {
        Erasure erasure = made.get();
        // Ids only: the log of an erasure holds no personal data.
        LOG.info("Erasure {} of user {} requested by {}", erasure.id(), userId, caller.admin() ? "an admin" : "the user");
        refused.refuse(userId);
        vertx.eventBus().publish(ErasedUsers.REFUSED, userId);
        vertx.eventBus().send(ErasureRunner.WAKE_UP, erasure.id().toString());
        return Future.succeededFuture(new RequestedErasure(erasure, true));
      }
      return store.ofUser(userId).map(earlier -> new RequestedErasure(earlier.orElseThrow(() ->
        DomainException.notFound("no profile for user " + Echo.of(userId))), false));
    });
  }

  @Override
  public Future<Erasure> get(Caller caller, UUID erasureId) {
    return store.get(erasureId).map(found -> {
      Erasure erasure = found.orElseThrow(() -> DomainException.notFound("no erasure " + erasureId));
      if (!caller.actsFor(erasure.userId())) {
        throw DomainException.forbidden("an erasure is shown to its user and admins only");
      }
      return erasure;
    });
  }

  @Override
  public Future<List<Erasure>> list(Caller caller, Page page) {
    if (!caller.admin()) {
      throw DomainException.forbidden("erasures are listed for admins only");
    }
    return store.list(page);
  }
}
