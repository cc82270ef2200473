package red.sessions.vyoma.events;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import red.sessions.vyoma.platform.Sweep;

import java.util.Map;

/**
 * Prunes the outbox: events older than {@code events.retention_days}, every {@code retention.sweep_interval_seconds},
 * one node at a time ({@link Sweep}). It prunes from the outbox's start in commit order (txid, position) and stops
 * at the first event still within the period, so what is left is always a tail of the outbox: a reader whose
 * cursor event is still there misses nothing after it, and one whose cursor event is gone is told so
 * ({@code events_pruned}, read by {@link EventStore}). The followers' cursors (the webhooks' and notifications'
 * fan-out) are positions, not events, so they read on from wherever they are. A subject's last sequence number
 * ({@code event_subjects}, one row per booking or webhook) is kept, so a booking's events never number back from 1.
 */
public final class EventRetention {

  // The oldest events in commit order, up to the first one within the period. The delete waits for a row an
  // erasure is rewriting rather than skip it, since skipping would leave a hole before the tail.
  private static final String PRUNE = """
    WITH sweeper AS MATERIALIZED (SELECT pg_try_advisory_xact_lock(7436917503219245604) AS alone),
    oldest AS MATERIALIZED (
      SELECT position, created_at < now() - #{days}::int * interval '1 day' AS expired,
             row_number() OVER (ORDER BY txid, position) AS rank
        FROM (SELECT txid, position, created_at FROM events
               WHERE (SELECT alone FROM sweeper)
               ORDER BY txid, position
               LIMIT #{batch}) first),
    pruned AS (
      DELETE FROM events e USING oldest o
       WHERE e.position = o.position
         AND o.rank < coalesce((SELECT min(rank) FROM oldest WHERE NOT expired), #{batch} + 1)
      RETURNING e.id, substr(e.id::text, 15, 1) = '7' AS time_ordered),
    marked AS (
      UPDATE events_pruned
         SET through_id = GREATEST(through_id, (SELECT id FROM pruned WHERE time_ordered ORDER BY id DESC LIMIT 1)),
             random_id_pruned = random_id_pruned OR EXISTS (SELECT 1 FROM pruned WHERE NOT time_ordered)
       WHERE EXISTS (SELECT 1 FROM pruned))
    SELECT count(*)::int AS handled FROM pruned""";

  private EventRetention() {
  }

  /**
   * @param events    the {@code events} section
   * @param retention the {@code retention} section
   */
  public static Sweep sweep(Pool pool, JsonObject events, JsonObject retention) {
    return new Sweep("events past events.retention_days",
      Sweep.counting(pool, PRUNE, Map.of("days", Sweep.days(events, "retention_days"))),
      retention.getLong("sweep_interval_seconds")).pruning("events");
  }
}
