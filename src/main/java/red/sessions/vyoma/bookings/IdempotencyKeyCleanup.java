package red.sessions.vyoma.bookings;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import red.sessions.vyoma.platform.Sweep;

import java.util.Map;

/**
 * Deletes expired idempotency keys ({@code bookings.idempotency_key_ttl_seconds}) every
 * {@code bookings.idempotency_cleanup_interval_seconds}, one node at a time ({@link Sweep}). Expiry itself does
 * not wait for it (an expired key already counts as unused, see {@link BookingStore}); it only keeps the table
 * small.
 */
public final class IdempotencyKeyCleanup {

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

  private IdempotencyKeyCleanup() {
  }

  /**
   * @param config the {@code bookings} section
   */
  public static Sweep sweep(Pool pool, JsonObject config) {
    return new Sweep(pool, "expired idempotency keys", DELETE_EXPIRED,
      Map.of("ttl_seconds", config.getInteger("idempotency_key_ttl_seconds")),
      config.getLong("idempotency_cleanup_interval_seconds"));
  }
}
