package red.sessions.vyoma.webhooks;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import red.sessions.vyoma.events.Event;
import red.sessions.vyoma.events.EventPage;
import red.sessions.vyoma.events.EventType;
import red.sessions.vyoma.platform.RetryPolicy;
import red.sessions.vyoma.platform.Rows;
import red.sessions.vyoma.platform.Sql;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The deliveries SQL, as the dispatchers of all nodes share it. A node fans final events of the outbox out
 * into deliveries, one node at a time ({@link #queue}, in the step of the webhooks' outbox follower); a node claims due deliveries (skipping those
 * another node is claiming at the same moment) by counting the attempt and moving the next attempt a lease
 * ahead, so no other node sends them until the lease runs out, and then records the outcome of that attempt
 * only.
 */
final class DeliveryStore {

  /** A pattern matches {@code *}, the event's own name, or the event's family ({@code booking.*}). */
  private static final String MATCHES = """
    EXISTS (SELECT 1 FROM unnest(w.events) p
             WHERE p = '*' OR p = e.type OR (right(p, 2) = '.*' AND starts_with(e.type, left(p, -1))))""";

  // The node that gets the row fans out; the others skip it and carry on (the row is free again at its commit,
  // or at once if its node dies).
  static final String FAN_OUT_FROM = "SELECT txid::text AS txid, position FROM webhook_fanout FOR UPDATE SKIP LOCKED";

  // Each event goes to the webhooks active now whose patterns name it; a ping was queued for its one webhook
  // by the transaction that made it, so it is passed by. The key (webhook_id, event_id) makes an event met
  // again a no-op. The cursor moves in the same statement, so deliveries and cursor commit together.
  private static final String FAN_OUT = """
    WITH queued AS (
      INSERT INTO webhook_deliveries (webhook_id, event_id)
      SELECT w.id, e.id FROM unnest(#{ids}::uuid[], #{types}::text[]) AS e (id, type) JOIN webhooks w ON w.active
       WHERE e.type <> #{ping} AND\s""" + MATCHES + """

      ON CONFLICT (webhook_id, event_id) DO NOTHING)
    UPDATE webhook_fanout SET txid = #{txid}::text::xid8, position = #{position}""";

  // The deliveries due now (by webhook_deliveries_due): what a claim takes, and what the backlog gauge counts.
  private static final String DUE_NOW = """
    FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
     WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND w.active
    """;

  private static final String CLAIM = "WITH due AS (SELECT d.id " + DUE_NOW + """
       ORDER BY d.next_attempt_at
       LIMIT #{max}
         FOR UPDATE OF d SKIP LOCKED)
    UPDATE webhook_deliveries d
       SET attempts = d.attempts + 1, next_attempt_at = now() + #{lease_seconds} * interval '1 second'
      FROM due, webhooks w, event_envelopes e
     WHERE d.id = due.id AND w.id = d.webhook_id AND e.id = d.event_id
    RETURNING d.id AS delivery_id, d.webhook_id, d.attempts, w.url, w.secret,
              CASE WHEN w.previous_secret_expires_at > now() THEN w.previous_secret END AS previous_secret,
              e.id, e.type, e.created_at, e.sequence, e.subject, e.users, e.data, e.txid::text AS txid, e.position""";

  // The attempt is logged whatever happens (unless its webhook was deleted meanwhile); the delivery moves only
  // if this is still its latest attempt. A retry that would come after the retry window has failed instead. A
  // delivery that failed for good turns its webhook off when the receiver is gone (410) or has taken no delivery for
  // the whole window (this attempt, not yet visible to the statement, took none either). One statement, so the
  // attempt, the delivery and the webhook move together without a transaction around them.
  private static final String RECORD = """
    WITH logged AS (
      INSERT INTO webhook_attempts (delivery_id, attempt, attempted_at, status_code, error, duration_ms)
      SELECT id, #{attempt}, #{attempted_at}, #{status_code}, #{error}, #{duration_ms}
        FROM webhook_deliveries WHERE id = #{id}),
    decided AS (
      SELECT id, webhook_id,
             CASE WHEN #{outcome} = 'delivered' THEN 'delivered'
                  WHEN #{outcome} = 'retry'
                   AND retry_from + #{retry_for_ms} * interval '1 millisecond' > now() + #{gap_ms} * interval '1 millisecond'
                  THEN 'pending'
                  ELSE 'failed' END AS status
        FROM webhook_deliveries WHERE id = #{id} AND attempts = #{attempt}),
    deactivated AS (
      UPDATE webhooks w SET active = false, deactivated_reason = #{reason}, updated_at = now()
        FROM decided
       WHERE w.id = decided.webhook_id AND decided.status = 'failed' AND w.active
         AND (#{outcome} = 'gone' OR NOT EXISTS (
               SELECT 1 FROM webhook_deliveries d JOIN webhook_attempts a ON a.delivery_id = d.id
                WHERE d.webhook_id = w.id AND a.status_code BETWEEN 200 AND 299
                  AND a.attempted_at > now() - #{retry_for_ms} * interval '1 millisecond')))
    UPDATE webhook_deliveries d
       SET status = decided.status,
           next_attempt_at = CASE WHEN decided.status = 'pending' THEN now() + #{gap_ms} * interval '1 millisecond' END,
           finished_at = CASE WHEN decided.status <> 'pending' THEN now() END
      FROM decided WHERE d.id = decided.id""";

  private static final String NEXT_DUE = """
    SELECT (extract(epoch FROM min(d.next_attempt_at) - now()) * 1000)::bigint AS wait_ms
      FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
     WHERE d.status = 'pending' AND w.active""";

  private static final String COUNT_DUE = "SELECT count(*) AS due " + DUE_NOW;

  /** A delivery this node has claimed: the attempt it makes, where to, signed with which secrets. */
  record Claimed(UUID deliveryId, UUID webhookId, int attempt, String url, List<String> secrets, Event event) {

    static Claimed of(Row row) {
      List<String> secrets = new ArrayList<>(List.of(row.getString("secret")));
      if (row.getString("previous_secret") != null) {
        secrets.add(row.getString("previous_secret"));
      }
      return new Claimed(row.getUUID("delivery_id"), row.getUUID("webhook_id"), row.getInteger("attempts"),
        row.getString("url"), secrets, Event.of(row));
    }
  }

  /** What an attempt came to. */
  record Outcome(String outcome, OffsetDateTime attemptedAt, Integer statusCode, String error, long durationMs) {

    static final String DELIVERED = "delivered";
    static final String RETRY = "retry";
    static final String GONE = "gone";
  }

  private final Pool pool;
  private final RetryPolicy retries;

  DeliveryStore(Pool pool, RetryPolicy retries) {
    this.pool = pool;
    this.retries = retries;
  }

  /**
   * Queues the deliveries of a page of final events and moves the fan-out's cursor past them, on the fan-out's
   * connection ({@link red.sessions.vyoma.events.OutboxFollower}).
   */
  Future<Void> queue(SqlConnection connection, EventPage page) {
    return Sql.update(connection, FAN_OUT).execute(fanOutParams(page)).mapEmpty();
  }

  private static Map<String, Object> fanOutParams(EventPage page) {
    Map<String, Object> params = new HashMap<>();
    params.put("ids", page.events().stream().map(Event::id).toArray(UUID[]::new));
    params.put("types", page.events().stream().map(Event::type).toArray(String[]::new));
    params.put("ping", EventType.PING.wire());
    params.put("txid", page.next().txid());
    params.put("position", page.next().position());
    return params;
  }

  Future<List<Claimed>> claim(int max, long leaseSeconds) {
    return Sql.update(pool, CLAIM).mapTo(Claimed::of).execute(Map.of("max", max, "lease_seconds", leaseSeconds))
      .map(Rows::toList);
  }

  /** Records the attempt; a delivery that failed for good may turn its webhook off. */
  Future<Void> record(Claimed claimed, Outcome outcome, double jitter) {
    Map<String, Object> params = new HashMap<>();
    params.put("id", claimed.deliveryId());
    params.put("attempt", claimed.attempt());
    params.put("attempted_at", outcome.attemptedAt());
    params.put("status_code", outcome.statusCode());
    params.put("error", outcome.error());
    params.put("duration_ms", (int) outcome.durationMs());
    params.put("outcome", outcome.outcome());
    params.put("retry_for_ms", retries.forMs());
    params.put("gap_ms", retries.gapMs(claimed.attempt(), jitter));
    params.put("reason", Outcome.GONE.equals(outcome.outcome()) ? "the receiver answered 410 Gone"
      : "no delivery succeeded for " + retries.forMs() / 3_600_000 + " hours");
    return Sql.update(pool, RECORD).execute(params).mapEmpty();
  }

  /** How many deliveries are due and not claimed. */
  Future<Long> countDue() {
    return pool.query(COUNT_DUE).execute().map(rows -> rows.iterator().next().getLong("due"));
  }

  /** How long until the next pending delivery is due (0 or less: due now), or null when none is pending. */
  Future<Long> msUntilNextDue() {
    return pool.query(NEXT_DUE).execute().map(rows -> rows.iterator().next().getLong("wait_ms"));
  }
}
