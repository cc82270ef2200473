package red.sessions.vyoma.platform;

import io.vertx.core.Future;
import io.vertx.core.Promise;
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

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Each way a call to PostgreSQL really fails, made to happen against a real server through the real client,
 * and judged by {@link Database#unreachable}: the ones that mean "no answer, try again once it is back" (503)
 * apart from the ones that mean "PostgreSQL refused this statement" or "our code failed" (never 503).
 */
class DatabaseFailuresTest {

  private final Vertx vertx = Vertx.vertx();
  private final PgConnectOptions shared = PgConnectOptions.fromUri(TestServer.sharedDatabaseUrl());

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void theServerEndingAConnectionBetweenTwoStatementsOfATransactionIsUnreachable() {
    Pool pool = pool(shared, 2, 5000);
    SqlConnection victim = pool.getConnection().await();
    victim.begin().await();
    int backend = victim.query("SELECT pg_backend_pid()").execute().await().iterator().next().getInteger(0);
    Promise<Void> closed = Promise.promise();
    victim.closeHandler(closed::complete);

    pool.preparedQuery("SELECT pg_terminate_backend($1)").execute(Tuple.of(backend)).await();
    closed.future().await();

    assertUnreachable(victim.query("SELECT 1").execute());
  }

  @Test
  void theServerEndingAConnectionDuringAStatementIsUnreachable() {
    Pool pool = pool(shared, 2, 5000);
    SqlConnection victim = pool.getConnection().await();
    int backend = victim.query("SELECT pg_backend_pid()").execute().await().iterator().next().getInteger(0);
    Future<?> sleeping = victim.query("SELECT pg_sleep(30)").execute();
    awaitRunning(pool, backend);

    pool.preparedQuery("SELECT pg_terminate_backend($1)").execute(Tuple.of(backend)).await();

    assertUnreachable(sleeping);
  }

  @Test
  void nobodyListeningOnTheDatabasePortIsUnreachable() {
    Pool pool = pool(new PgConnectOptions(shared).setPort(TestServer.freePort()), 1, 5000);
    assertUnreachable(pool.query("SELECT 1").execute());
  }

  @Test
  void noConnectionFreeInTimeIsUnreachable() {
    Pool pool = new BoundedWaitPool(vertx, pool(shared, 1, 0), 200);
    pool.getConnection().await();
    assertUnreachable(pool.query("SELECT 1").execute());
  }

  @Test
  void aClosedPoolIsUnreachable() {
    Pool pool = pool(shared, 1, 5000);
    pool.query("SELECT 1").execute().await();
    pool.close().await();
    assertUnreachable(pool.query("SELECT 1").execute());
  }

  @Test
  void aStatementPostgresRefusesIsNotUnreachable() {
    Pool pool = pool(shared, 1, 5000);
    assertAnswered(pool.query("SELEKT 1").execute());
    assertAnswered(pool.query("SELECT 1 / 0").execute());
    assertAnswered(pool.withTransaction(connection -> connection.query("SELECT 'x'::int").execute()));
  }

  @Test
  void ourOwnCodeFailingInsideATransactionIsNotUnreachable() {
    Pool pool = pool(shared, 1, 5000);
    assertAnswered(pool.withTransaction(connection -> connection.query("SELECT 1").execute()
      .map(rows -> rows.iterator().next().getLocalDate(0))));
    assertAnswered(pool.withTransaction(connection -> Future.failedFuture(new IllegalStateException("a bug of ours"))));
  }

  private Pool pool(PgConnectOptions connect, int size, int acquireTimeoutMillis) {
    return PgBuilder.pool()
      .with(new PoolOptions().setMaxSize(size).setConnectionTimeout(acquireTimeoutMillis)
        .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS))
      .connectingTo(connect)
      .using(vertx)
      .build();
  }

  /** Until PostgreSQL shows the backend running its statement, so the termination lands inside it. */
  private static void awaitRunning(Pool pool, int backend) {
    for (int polls = 0; polls < 500; polls++) {
      boolean running = pool.preparedQuery("SELECT state = 'active' FROM pg_stat_activity WHERE pid = $1")
        .execute(Tuple.of(backend)).await().iterator().next().getBoolean(0);
      if (running) {
        return;
      }
    }
    fail("backend " + backend + " never started its statement");
  }

  private static void assertUnreachable(Future<?> call) {
    Throwable failure = failureOf(call);
    assertTrue(Database.unreachable(failure), () -> "judged as answered: " + failure);
  }

  private static void assertAnswered(Future<?> call) {
    Throwable failure = failureOf(call);
    assertFalse(Database.unreachable(failure), () -> "judged as unreachable: " + failure);
  }

  private static Throwable failureOf(Future<?> call) {
    try {
      call.await();
    } catch (Throwable failure) {
      return failure;
    }
    return fail("the call succeeded");
  }
}
