package red.sessions.vyoma.packages;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import red.sessions.vyoma.platform.Sweep;

import java.util.Map;

/**
 * Expires packages: every {@code packages.expiry_interval_seconds}, the lessons left in a package past its
 * {@code expires_at} go, with an {@code expired} entry for them in the ledger, one node at a time ({@link Sweep}).
 * A package is never chosen for a lesson starting after it expires, whether or not this has run.
 */
public final class PackageExpiry {

  private static final String EXPIRE = """
    WITH sweeper AS MATERIALIZED (SELECT pg_try_advisory_xact_lock(7436917503219245602) AS alone),
    expired AS (
      SELECT id, remaining FROM packages
       WHERE (SELECT alone FROM sweeper) AND expires_at <= now() AND remaining > 0
       ORDER BY expires_at
       LIMIT #{batch}
         FOR UPDATE SKIP LOCKED),
    entries AS (INSERT INTO package_ledger (package_id, change, reason) SELECT id, -remaining, 'expired' FROM expired)
    UPDATE packages p SET remaining = 0 FROM expired e WHERE p.id = e.id""";

  private PackageExpiry() {
  }

  /**
   * @param config the {@code packages} section
   */
  public static Sweep sweep(Pool pool, JsonObject config) {
    return new Sweep(pool, "expired packages", EXPIRE, Map.of(), config.getLong("expiry_interval_seconds"));
  }
}
