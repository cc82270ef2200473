package red.sessions.vyoma.platform;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;

import java.util.Map;

/**
 * What a domain does with a user's rows when the user is erased, when that is a few statements on its own
 * tables: each statement names the user as {@code #{user_id}}, and all run in one transaction, so a step
 * that fails leaves the rows as they were, and one run again finds nothing left to change.
 */
public final class UserRows {

  private UserRows() {
  }

  public static Future<Void> erase(Pool pool, String userId, String... statements) {
    Map<String, Object> user = Map.of("user_id", userId);
    return pool.withTransaction(connection -> {
      Future<Void> chain = Future.succeededFuture();
      for (String statement : statements) {
        chain = chain.compose(v -> Sql.update(connection, statement).execute(user).mapEmpty());
      }
      return chain;
    });
  }
}
