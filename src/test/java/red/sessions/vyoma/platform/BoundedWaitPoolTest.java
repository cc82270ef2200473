package red.sessions.vyoma.platform;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import red.sessions.vyoma.support.TestServer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The server's pool ({@link BoundedWaitPool}) against a real PostgreSQL: a call that gets no connection in time fails
 * as unreachable and sends nothing, the connection that comes to it later goes back to the pool, and under overload
 * every call ends and every connection comes back.
 */
class BoundedWaitPoolTest {

  private static final int SHORT_WAIT_MS = 200;
  /** For the checks that must get a connection: far past any wait a free pool makes. */
  private static final int LONG_WAIT_MS = 10_000;

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void aCallWithNoConnectionFreeInTimeIsUnreachableAndTheConnectionThatComesLaterGoesBack() {
    Pool connections = connections(1);
    Pool bounded = new BoundedWaitPool(vertx, connections, SHORT_WAIT_MS);
    SqlConnection held = bounded.getConnection().await();

    Future<SqlConnection> tooLate = bounded.getConnection();
    assertUnreachable(tooLate);
    // The pool still has the call's request queued; the held connection goes to it, and from it back to the pool.
    held.close().await();

    SqlConnection next = bounded.getConnection().await();
    assertEquals(1, next.query("SELECT 1").execute().await().size());
    next.close().await();
  }

  @Test
  void aStatementThatGotNoConnectionInTimeIsNeverSent() {
    Pool connections = connections(1);
    Pool bounded = new BoundedWaitPool(vertx, connections, SHORT_WAIT_MS);
    SqlConnection held = bounded.getConnection().await();
    // A table only this connection sees, the pool's only one: where the statements below would run.
    held.query("CREATE TEMP TABLE tries (n int)").execute().await();

    assertUnreachable(bounded.preparedQuery("INSERT INTO tries VALUES ($1)").execute(Tuple.of(1)));
    assertUnreachable(bounded.preparedQuery("INSERT INTO tries VALUES ($1)").executeBatch(List.of(Tuple.of(2))));
    assertUnreachable(bounded.query("INSERT INTO tries VALUES (3)").execute());
    assertUnreachable(bounded.withTransaction(connection -> connection.query("INSERT INTO tries VALUES (4)").execute()));
    held.close().await();

    assertEquals(0L, new BoundedWaitPool(vertx, connections, LONG_WAIT_MS).query("SELECT count(*) FROM tries").execute()
      .await().iterator().next().getLong(0));
  }

  @Test
  void underOverloadEveryCallEndsAndEveryConnectionComesBack() throws Exception {
    int size = 2;
    Pool connections = connections(size);
    // Calls of 20 ms each, 200 at once on two connections (opened first) with a wait of 200 ms: the first twenty or
    // so are served, the others time out, some of those just as a connection is handed to them.
    Pool bounded = new BoundedWaitPool(vertx, connections, SHORT_WAIT_MS);
    holdAll(new BoundedWaitPool(vertx, connections, LONG_WAIT_MS), size);
    List<Future<?>> calls = new ArrayList<>();
    for (int call = 0; call < 200; call++) {
      calls.add(call % 2 == 0
        ? bounded.withTransaction(connection -> connection.query("SELECT pg_sleep(0.02)").execute())
        : bounded.query("SELECT pg_sleep(0.02)").execute());
    }

    int served = 0;
    for (Future<?> call : calls) {
      // Bounded only so that a lost call fails this test instead of hanging it.
      Throwable failure = call.transform(done -> Future.succeededFuture(done.cause())).await(30, TimeUnit.SECONDS);
      if (failure == null) {
        served++;
      } else {
        assertTrue(Database.unreachable(failure), () -> "failed otherwise: " + failure);
      }
    }
    assertTrue(served > 0, "no call was served");

    // Every connection is back: the pool's whole size can be held at once.
    holdAll(new BoundedWaitPool(vertx, connections, LONG_WAIT_MS), size);
  }

  /** Holds {@code size} connections at once, then gives them back. */
  private static void holdAll(Pool pool, int size) {
    List<SqlConnection> all = new ArrayList<>();
    for (int connection = 0; connection < size; connection++) {
      all.add(pool.getConnection().await());
    }
    all.forEach(connection -> connection.close().await());
  }

  /** The server's pool: no acquire timeout of its own. */
  private Pool connections(int size) {
    return PgBuilder.pool()
      .with(new PoolOptions().setMaxSize(size).setConnectionTimeout(0))
      .connectingTo(PgConnectOptions.fromUri(TestServer.sharedDatabaseUrl()))
      .using(vertx)
      .build();
  }

  private static void assertUnreachable(Future<?> call) {
    try {
      call.await();
    } catch (Throwable failure) {
      assertTrue(Database.unreachable(failure), () -> "judged as answered: " + failure);
      return;
    }
    fail("the call got a connection");
  }
}
