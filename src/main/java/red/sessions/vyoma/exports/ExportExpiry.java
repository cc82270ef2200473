package red.sessions.vyoma.exports;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import red.sessions.vyoma.bus.LocalServices;
import red.sessions.vyoma.files.FileService;
import red.sessions.vyoma.platform.Sweep;

import java.util.Map;

/**
 * Deletes exports {@code exports.keep_hours} after they were ready: every {@code exports.sweep_interval_seconds}, one
 * node ({@link Sweep}) claims the ready exports that old, deletes each one's ZIP from the file store and records it
 * {@code expired}. The row stays (who asked, when, for whom), without the ZIP's key, so an operator can show the
 * export was served.
 */
public final class ExportExpiry {

  // The lock's key is arbitrary but fixed: the same on every node. An export claimed is not claimed again before a
  // sweep's interval has passed, which is when one whose deletion failed is tried again.
  private static final String CLAIM = """
    WITH sweeper AS MATERIALIZED (SELECT pg_try_advisory_xact_lock(7303840173412268185) AS alone)
    UPDATE exports SET expiry_claimed_at = now()
     WHERE id IN (
       SELECT id FROM exports
        WHERE (SELECT alone FROM sweeper) AND status = 'ready'
          AND finished_at <= now() - make_interval(hours => #{keep_hours})
          AND (expiry_claimed_at IS NULL OR expiry_claimed_at <= now() - make_interval(secs => #{interval_seconds}))
        LIMIT #{batch}
          FOR UPDATE SKIP LOCKED)
    RETURNING id, object_key""";

  private ExportExpiry() {
  }

  /**
   * @param config           the {@code exports} section
   * @param requestTimeoutMs how long the files service may take to delete one ZIP
   */
  public static Sweep sweep(Vertx vertx, Pool pool, JsonObject config, long requestTimeoutMs) {
    int keepHours = config.getInteger("keep_hours");
    long intervalSeconds = config.getLong("sweep_interval_seconds");
    if (keepHours < 0) {
      throw new IllegalArgumentException("exports.keep_hours must not be negative");
    }
    FileService files = LocalServices.proxy(vertx, FileService.class, FileService.ADDRESS, requestTimeoutMs);
    ExportStore store = new ExportStore(pool);
    return new Sweep(pool, "exports deleted after exports.keep_hours", CLAIM,
      Map.of("keep_hours", keepHours, "interval_seconds", intervalSeconds), intervalSeconds,
      row -> files.deleteExport(row.getString("object_key")).compose(deleted -> store.expired(row.getUUID("id"))));
  }
}
