package red.sessions.vyoma.support;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import red.sessions.vyoma.events.EventType;

import java.util.UUID;

/**
 * A Vert.x pool on the shared test database, for a test class that drives a store itself: register it as a static
 * extension ({@code @RegisterExtension}), and its Vert.x closes after the class.
 */
public final class SharedPool implements AfterAllCallback {

  private final Vertx vertx = Vertx.vertx();
  private final Pool pool = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(TestServer.sharedDatabaseUrl()))
    .using(vertx).build();

  public Vertx vertx() {
    return vertx;
  }

  public Pool pool() {
    return pool;
  }

  /**
   * A ping of its own in the outbox, seen by no user and passed by every fan-out: an event that rows a test writes
   * directly (a delivery, an email) can refer to.
   */
  public UUID ping() {
    UUID event = UUID.randomUUID();
    pool.preparedQuery("INSERT INTO events (id, type, subject_id, subject, sequence, users, data) "
        + "VALUES ($1, $2, $1, '{}', 1, '{}', '{}')")
      .execute(Tuple.of(event, EventType.PING.wire())).await();
    return event;
  }

  @Override
  public void afterAll(ExtensionContext context) {
    vertx.close().await();
  }
}
