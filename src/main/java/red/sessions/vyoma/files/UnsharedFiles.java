package red.sessions.vyoma.files;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import red.sessions.vyoma.bus.LocalServices;
import red.sessions.vyoma.platform.Sweep;

import java.util.Map;

/**
 * Files that no session shares do not stay: every {@code retention.sweep_interval_seconds}, one node at a
 * time ({@link Sweep}) claims the unshared files whose upload URL expired more than an hour ago (so no upload can
 * still be landing) and hands each to the files service ({@link FileService#retire}): one whose upload never
 * landed goes at once (an upload URL never used leaves no file), one uploaded but kept unshared for
 * {@code storage.unshared_retention_days} goes with its object. An uploaded file is looked at once after its URL
 * expired and then again when its retention has run out, so the store is not asked about it every round.
 */
public final class UnsharedFiles {

  // The lock's key is arbitrary but fixed: the same on every node. A file claimed is not claimed again before
  // an interval has passed, which is when one whose deletion failed is tried again.
  private static final String CLAIM = """
    WITH sweeper AS MATERIALIZED (SELECT pg_try_advisory_xact_lock(2871640933187405537) AS alone)
    UPDATE files SET retention_checked_at = now()
     WHERE key IN (
       SELECT f.key FROM files f
        WHERE (SELECT alone FROM sweeper)
          AND f.created_at < now() - make_interval(secs => #{upload_expiry_seconds}) - interval '1 hour'
          AND (f.retention_checked_at IS NULL
               OR (f.created_at < now() - make_interval(days => #{retention_days})
                   AND f.retention_checked_at <= now() - make_interval(secs => #{interval_seconds})))
          AND NOT EXISTS (SELECT 1 FROM shared_files s WHERE s.file_key = f.key)
        ORDER BY f.created_at
        LIMIT #{batch}
          FOR UPDATE OF f SKIP LOCKED)
    RETURNING key, created_at < now() - make_interval(days => #{retention_days}) AS expired""";

  private UnsharedFiles() {
  }

  /**
   * @param config           the {@code storage} section
   * @param retention        the {@code retention} section: how often the sweep runs, as every retention sweep
   * @param requestTimeoutMs how long the files service may take to retire one file
   */
  public static Sweep sweep(Vertx vertx, Pool pool, JsonObject config, JsonObject retention, long requestTimeoutMs) {
    int retentionDays = config.getInteger("unshared_retention_days");
    if (retentionDays < 1) {
      throw new IllegalArgumentException("storage.unshared_retention_days must be 1 or more");
    }
    long intervalSeconds = retention.getLong("sweep_interval_seconds");
    FileService files = LocalServices.proxy(vertx, FileService.class, FileService.ADDRESS, requestTimeoutMs);
    return new Sweep(pool, "unshared files retired", CLAIM,
      Map.of("upload_expiry_seconds", config.getInteger("upload_expiry_seconds"), "retention_days", retentionDays,
        "interval_seconds", intervalSeconds),
      intervalSeconds, row -> files.retire(row.getString("key"), row.getBoolean("expired")));
  }
}
