package red.sessions.vyoma.webhooks;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import red.sessions.vyoma.platform.Sweep;

import java.util.Map;

/**
 * Prunes the delivery log: deliveries delivered or failed more than {@code webhooks.log_retention_days} ago, with
 * their attempts (a foreign key's cascade), every {@code retention.sweep_interval_seconds}, one node at a time
 * ({@link Sweep}). A pending delivery is never pruned, and a redelivered one counts again from its new end.
 */
public final class DeliveryLogRetention {

  // A delivery the sender has locked (a redelivery recording its attempt) is skipped, and pruned next round.
  private static final String PRUNE = """
    WITH sweeper AS MATERIALIZED (SELECT pg_try_advisory_xact_lock(7436917503219245605) AS alone),
    finished AS (
      SELECT id FROM webhook_deliveries
       WHERE (SELECT alone FROM sweeper) AND status <> 'pending'
         AND finished_at < now() - #{days}::int * interval '1 day'
       ORDER BY finished_at
       LIMIT #{batch}
         FOR UPDATE SKIP LOCKED)
    DELETE FROM webhook_deliveries d USING finished f WHERE d.id = f.id""";

  private DeliveryLogRetention() {
  }

  /**
   * @param webhooks  the {@code webhooks} section
   * @param retention the {@code retention} section
   */
  public static Sweep sweep(Pool pool, JsonObject webhooks, JsonObject retention) {
    return new Sweep(pool, "webhook deliveries past webhooks.log_retention_days", PRUNE,
      Map.of("days", Sweep.days(webhooks, "log_retention_days")), retention.getLong("sweep_interval_seconds"))
      .pruning("webhook_deliveries");
  }
}
