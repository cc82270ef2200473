package red.sessions.vyoma.bookings;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.templates.SqlTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * Deletes expired idempotency keys ({@code bookings.idempotency_key_ttl_seconds}) every
 * {@code bookings.idempotency_cleanup_interval_seconds}, one per node. Expiry itself does not wait for it (an
 * expired key already counts as unused, see {@link BookingStore}); it only keeps the table small. Of the
 * nodes sharing a database, one cleans at a time: each round takes a transaction-scoped advisory lock with
 * {@code pg_try_advisory_xact_lock}, and a node that does not get it skips the round rather than wait. The
 * rows go in batches, each its own short statement that skips rows a request has locked, so neither another
 * node nor a request ever waits long on it. The pool is asynchronous, so this runs on an event loop.
 */
public final class IdempotencyKeyCleanup extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(IdempotencyKeyCleanup.class);
  private static final int BATCH = 1000;

  // The lock's key is arbitrary but fixed: the same on every node. When another node holds it, the
  // statement deletes nothing.
  private static final String DELETE_EXPIRED = """
    WITH cleaner AS MATERIALIZED (SELECT pg_try_advisory_xact_lock(7436917503219245601) AS alone),
    expired AS (
      SELECT caller_id, key FROM booking_idempotency_keys
       WHERE (SELECT alone FROM cleaner) AND created_at < now() - #{ttl_seconds}::int * interval '1 second'
       ORDER BY created_at
       LIMIT #{batch}
         FOR UPDATE SKIP LOCKED)
    DELETE FROM booking_idempotency_keys k USING expired e WHERE k.caller_id = e.caller_id AND k.key = e.key""";

  private final Pool pool;
  private final int ttlSeconds;
  private final long intervalMs;
  private long timer = -1;

  /**
   * @param config the {@code bookings} section
   */
  public IdempotencyKeyCleanup(Pool pool, JsonObject config) {
    this.pool = pool;
    this.ttlSeconds = config.getInteger("idempotency_key_ttl_seconds");
    this.intervalMs = config.getLong("idempotency_cleanup_interval_seconds") * 1000;
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(intervalMs, id -> deleteExpired(0)
      .onSuccess(deleted -> {
        if (deleted > 0) {
          LOG.info("Deleted {} expired idempotency keys", deleted);
        }
      })
      .onFailure(e -> LOG.warn("Could not delete expired idempotency keys (next try in {} s): {}", intervalMs / 1000, e.toString())));
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  /** Deletes batch after batch until one comes back short; answers how many went in all. */
  private Future<Integer> deleteExpired(int sofar) {
    return SqlTemplate.forUpdate(pool, DELETE_EXPIRED).execute(Map.of("ttl_seconds", ttlSeconds, "batch", BATCH))
      .compose(result -> result.rowCount() < BATCH
        ? Future.succeededFuture(sofar + result.rowCount())
        : deleteExpired(sofar + result.rowCount()));
  }
}
