package red.sessions.vyoma.webhooks;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import red.sessions.vyoma.events.Event;
import red.sessions.vyoma.events.EventPage;
import red.sessions.vyoma.events.EventType;
import red.sessions.vyoma.platform.Batched;
import red.sessions.vyoma.platform.RetryPolicy;
import red.sessions.vyoma.platform.Rows;
import red.sessions.vyoma.platform.Sql;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
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

  /** The most attempts one statement records. */
  private static final int RECORDS_PER_STATEMENT = 100;

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

  // A batch of attempts (Batched). Each is logged whatever happens (unless its webhook was deleted meanwhile); a
  // delivery moves only if this is still its latest attempt. A retry that would come after the retry window has
  // failed instead. A delivery that failed for good turns its webhook off when the receiver is gone (410) or has taken
  // no delivery for the whole window: none logged before, and none in this batch (the statement does not see the
  // attempts it logs). One statement, so the attempts, the deliveries and the webhooks move together without a
  // transaction around them.
  private static final String RECORD = """
    WITH r AS (
      SELECT * FROM unnest(#{ids}::uuid[], #{attempts}::int[], #{attempted_at}::timestamptz[], #{status_codes}::int[],
                           #{errors}::text[], #{durations_ms}::int[], #{outcomes}::text[], #{gaps_ms}::bigint[])
        AS r (id, attempt, attempted_at, status_code, error, duration_ms, outcome, gap_ms)),
    logged AS (
      INSERT INTO webhook_attempts (delivery_id, attempt, attempted_at, status_code, error, duration_ms)
      SELECT d.id, r.attempt, r.attempted_at, r.status_code, r.error, r.duration_ms
        FROM r JOIN webhook_deliveries d ON d.id = r.id),
    decided AS (
      SELECT d.id, d.webhook_id, r.outcome, r.gap_ms,
             CASE WHEN r.outcome = 'delivered' THEN 'delivered'
                  WHEN r.outcome = 'retry'
                   AND d.retry_from + #{retry_for_ms} * interval '1 millisecond' > now() + r.gap_ms * interval '1 millisecond'
                  THEN 'pending'
                  ELSE 'failed' END AS status
        FROM r JOIN webhook_deliveries d ON d.id = r.id AND d.attempts = r.attempt),
    deactivated AS (
      UPDATE webhooks w
         SET active = false, updated_at = now(),
             deactivated_reason = CASE WHEN decided.outcome = 'gone' THEN #{gone} ELSE #{silent} END
        FROM decided
       WHERE w.id = decided.webhook_id AND decided.status = 'failed' AND w.active
         AND (decided.outcome = 'gone' OR NOT EXISTS (
               SELECT 1 FROM webhook_deliveries d JOIN webhook_attempts a ON a.delivery_id = d.id
                WHERE d.webhook_id = w.id AND a.status_code BETWEEN 200 AND 299
                  AND a.attempted_at > now() - #{retry_for_ms} * interval '1 millisecond')
             AND NOT EXISTS (
               SELECT 1 FROM r JOIN webhook_deliveries d ON d.id = r.id
                WHERE d.webhook_id = w.id AND r.status_code BETWEEN 200 AND 299)))
    UPDATE webhook_deliveries d
       SET status = decided.status,
           next_attempt_at = CASE WHEN decided.status = 'pending' THEN now() + decided.gap_ms * interval '1 millisecond' END,
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
  private final Batched<Attempt, Void> records = new Batched<>(RECORDS_PER_STATEMENT, this::record);

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
    return records.add(new Attempt(claimed.deliveryId(), claimed.attempt(), outcome, retries.gapMs(claimed.attempt(), jitter)));
  }

  /** An attempt to record: the claimed attempt of a delivery, what it came to, the gap before a retry. */
  private record Attempt(UUID deliveryId, int attempt, Outcome outcome, long gapMs) {
  }

  /** Records a batch of attempts in one statement. */
  private Future<List<Void>> record(List<Attempt> attempts) {
    Map<String, Object> params = new HashMap<>();
    params.put("ids", attempts.stream().map(Attempt::deliveryId).toArray(UUID[]::new));
    params.put("attempts", attempts.stream().map(Attempt::attempt).toArray(Integer[]::new));
    params.put("attempted_at", attempts.stream().map(a -> a.outcome().attemptedAt()).toArray(OffsetDateTime[]::new));
    params.put("status_codes", attempts.stream().map(a -> a.outcome().statusCode()).toArray(Integer[]::new));
    params.put("errors", attempts.stream().map(a -> a.outcome().error()).toArray(String[]::new));
    params.put("durations_ms", attempts.stream().map(a -> (int) a.outcome().durationMs()).toArray(Integer[]::new));
    params.put("outcomes", attempts.stream().map(a -> a.outcome().outcome()).toArray(String[]::new));
    params.put("gaps_ms", attempts.stream().map(Attempt::gapMs).toArray(Long[]::new));
    params.put("retry_for_ms", retries.forMs());
    params.put("gone", "the receiver answered 410 Gone");
    params.put("silent", "no delivery succeeded for " + retries.forMs() / 3_600_000 + " hours");
    return Sql.update(pool, RECORD).execute(params).map(done -> Collections.nCopies(attempts.size(), null));
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
