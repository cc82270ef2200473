package red.sessions.vyoma.erasures;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import red.sessions.vyoma.auth.RefusedSubjects;

/**
 * Keeps a node's {@link RefusedSubjects} in step with the erasures: every node listens for erasures accepted
 * anywhere in the cluster (published on {@link #REFUSED} when one is accepted, and again each time a node takes up
 * its job, in case the node that accepted it died before publishing), and at start reads every erased user from
 * the database, after it began listening, so that none accepted meanwhile is missed and a restarted node refuses
 * them too. A request is then checked against memory, never the database.
 */
public final class ErasedUsers {

  static final String REFUSED = "vyoma.erasures.refused";

  private ErasedUsers() {
  }

  public static Future<Void> follow(Vertx vertx, Pool pool, RefusedSubjects refused) {
    return vertx.eventBus().<String>consumer(REFUSED, message -> refused.refuse(message.body())).completion()
      .compose(listening -> new ErasureStore(pool).erasedUsers())
      .map(users -> {
        users.forEach(refused::refuse);
        return null;
      });
  }
}
