package red.sessions.vyoma.notifications;

import red.sessions.vyoma.kernel.Keyset;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import red.sessions.vyoma.events.EventPage;
import red.sessions.vyoma.platform.Batched;
import red.sessions.vyoma.platform.RetryPolicy;
import red.sessions.vyoma.platform.Rows;
import red.sessions.vyoma.platform.Sql;
import red.sessions.vyoma.platform.UserRows;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

/**
 * The notifications SQL: the fan-out that queues them from the outbox (one node at a time, in the step of the
 * {@link NotificationDispatcher}), the claim and the record of each attempt (as webhook deliveries are claimed:
 * the attempt counted and the next one moved a lease ahead, so no other node sends it meanwhile), and the users'
 * preferences.
 */
final class NotificationStore {

  /** The most attempts recorded in one round trip. */
  private static final int RECORDS_PER_BATCH = 100;

  static final String FAN_OUT_FROM = "SELECT txid::text AS txid, position FROM notification_fanout FOR UPDATE SKIP LOCKED";

  private static final String PREFERENCES_OF = """
    SELECT user_id, email, reminders_minutes_before FROM notification_preferences WHERE user_id = ANY(#{users})""";

  // Reminders queued by earlier pages and not yet sent: replaced (a move) or no longer wanted (a cancel).
  private static final String CANCEL_REMINDERS = """
    UPDATE notifications n SET status = 'cancelled', next_attempt_at = NULL, error = c.why
      FROM unnest(#{bookings}::uuid[], #{whys}::text[]) AS c (booking_id, why)
     WHERE n.booking_id = c.booking_id AND n.kind = 'reminder' AND n.status = 'scheduled'""";

  // The key (event, recipient, kind, offset) makes an event met again a no-op. The cursor moves in the same
  // statement, so the notifications and the cursor commit together.
  private static final String QUEUE = """
    WITH queued AS (
      INSERT INTO notifications (id, event_id, booking_id, series_id, recipient, kind, minutes_before, lesson_start, due_at,
                                 status, next_attempt_at, error)
      SELECT q.id, q.event_id, q.booking_id, q.series_id, q.recipient, q.kind, q.minutes_before, q.lesson_start, q.due_at,
             q.status, CASE WHEN q.status = 'scheduled' THEN q.due_at END, q.error
        FROM unnest(#{ids}::uuid[], #{event_ids}::uuid[], #{booking_ids}::uuid[], #{series_ids}::uuid[], #{recipients}::text[],
                    #{kinds}::text[], #{minutes}::int[], #{lesson_starts}::timestamptz[], #{due}::timestamptz[],
                    #{statuses}::text[], #{errors}::text[])
          AS q (id, event_id, booking_id, series_id, recipient, kind, minutes_before, lesson_start, due_at, status, error)
      ON CONFLICT ON CONSTRAINT notifications_once DO NOTHING)
    UPDATE notification_fanout SET txid = #{txid}::text::xid8, position = #{position}""";

  // The notifications due now (by notifications_due): what a claim takes, and what the backlog gauge counts.
  private static final String DUE_NOW = "FROM notifications WHERE status = 'scheduled' AND next_attempt_at <= now()\n";

  // The recipient's contact, zone (their own, else their schedule's, else UTC) and preference, and the other
  // party's name, read with the claim: the email is written from what they are when it is sent. Each is looked up
  // by its key for each email claimed: as joins, a plan for more emails than a claim takes could read every
  // teacher's schedule instead, and the joins took longer to plan than the claim to run.
  private static final String CLAIM = "WITH due AS (SELECT id " + DUE_NOW + """
       ORDER BY next_attempt_at
       LIMIT #{max}
         FOR UPDATE SKIP LOCKED),
    claimed AS (
      UPDATE notifications n
         SET attempts = n.attempts + 1, next_attempt_at = now() + #{lease_seconds} * interval '1 second'
        FROM due WHERE n.id = due.id
      RETURNING n.id, n.event_id, n.recipient, n.kind, n.minutes_before, n.lesson_start, n.due_at, n.attempts)
    SELECT c.id, c.recipient, c.kind, c.minutes_before, c.lesson_start, c.due_at, c.attempts, e.data, r.name, r.email,
           coalesce(r.time_zone, (SELECT z.time_zone FROM schedule_zones z WHERE z.teacher_id = c.recipient), 'UTC') AS time_zone,
           coalesce((SELECT p.email FROM notification_preferences p WHERE p.user_id = c.recipient), true) AS wants_email,
           (SELECT o.name FROM profile_contacts o
             WHERE o.user_id = CASE WHEN c.recipient = e.data->>'student_id'
                                    THEN e.data->>'teacher_id' ELSE e.data->>'student_id' END) AS other_name
      FROM claimed c
      JOIN event_envelopes e ON e.id = c.event_id
      LEFT JOIN profile_contacts r ON r.user_id = c.recipient""";

  // An attempt, moving its row only if it is the attempt that was claimed and the row is still scheduled (a reminder
  // cancelled meanwhile stays cancelled). A retry that would come after the retry window has failed instead. A batch
  // of attempts (Batched) runs it once for each, in one round trip: one statement over the batch's arrays was planned
  // anew for each batch (PostgreSQL cannot tell how long the arrays are), where this one keeps its plan.
  private static final String RECORD = """
    UPDATE notifications
       SET status = CASE WHEN #{outcome}::text <> 'retry' THEN #{outcome}::text
                         WHEN due_at + #{retry_for_ms} * interval '1 millisecond' > now() + #{gap_ms}::bigint * interval '1 millisecond'
                         THEN 'scheduled' ELSE 'failed' END,
           next_attempt_at = CASE WHEN #{outcome}::text = 'retry'
                                   AND due_at + #{retry_for_ms} * interval '1 millisecond' > now() + #{gap_ms}::bigint * interval '1 millisecond'
                                  THEN now() + #{gap_ms}::bigint * interval '1 millisecond' END,
           sent_at = CASE WHEN #{outcome}::text = 'sent' THEN now() END,
           error = #{error}::text
     WHERE id = #{id} AND attempts = #{attempt} AND status = 'scheduled'
    RETURNING status""";

  private static final String NEXT_DUE = """
    SELECT (extract(epoch FROM min(next_attempt_at) - now()) * 1000)::bigint AS wait_ms
      FROM notifications WHERE status = 'scheduled'""";

  private static final String COUNT_DUE = "SELECT count(*) AS due " + DUE_NOW;

  // The default when a user has no row yet: email on, the default offsets; an unsubscribe keeps their offsets.
  private static final String TURN_EMAIL_OFF = """
    INSERT INTO notification_preferences AS p (user_id, email, reminders_minutes_before) VALUES (#{user_id}, false, #{defaults})
    ON CONFLICT (user_id) DO UPDATE SET email = false, updated_at = now()""";

  private static final String SET_PREFERENCES = """
    INSERT INTO notification_preferences AS p (user_id, email, reminders_minutes_before) VALUES (#{user_id}, #{email}, #{minutes})
    ON CONFLICT (user_id) DO UPDATE SET email = EXCLUDED.email, reminders_minutes_before = EXCLUDED.reminders_minutes_before,
                                        updated_at = now()
    RETURNING email, reminders_minutes_before""";

  private static final String PARTIES = "SELECT student_id, teacher_id FROM lessons WHERE id = #{id}";

  // By notifications_of_recipient (V25).
  private static final String OF_RECIPIENT = """
    SELECT id, recipient, kind, minutes_before, due_at, status, sent_at, attempts, error, created_at
      FROM notifications
     WHERE recipient = #{user_id} AND (#{after}::uuid IS NULL OR id > #{after})
     ORDER BY id
     LIMIT #{limit}""";

  // A lesson's own emails and those of its series as a whole (the series' request, its skipped occurrences), by the
  // series bookings/ publishes for it.
  private static final String OF_BOOKING = """
    SELECT id, recipient, kind, minutes_before, due_at, status, sent_at, attempts, error, created_at
      FROM notifications
     WHERE (booking_id = #{booking_id}
            OR booking_id IS NULL AND series_id = (SELECT l.series_id FROM lessons l WHERE l.id = #{booking_id}))
       AND (#{recipient}::text IS NULL OR recipient = #{recipient})
     ORDER BY created_at, due_at, recipient, id""";

  /** A notification this node has claimed, with what its email is written from. */
  record Claimed(UUID id, String recipient, Kind kind, int minutesBefore, OffsetDateTime lessonStart, int attempt,
                 JsonObject booking, String name, String email, String timeZone, boolean wantsEmail, String otherName) {

    static Claimed of(Row row) {
      return new Claimed(row.getUUID("id"), row.getString("recipient"), Kind.fromWire(row.getString("kind")),
        row.getInteger("minutes_before"), row.getOffsetDateTime("lesson_start"), row.getInteger("attempts"),
        (JsonObject) row.getValue("data"), row.getString("name"), row.getString("email"), row.getString("time_zone"),
        row.getBoolean("wants_email"), row.getString("other_name"));
    }
  }

  /** What an attempt came to: {@code sent}, {@code retry}, {@code failed}, {@code skipped} or {@code expired}. */
  record Outcome(String outcome, String error) {

    static final String SENT = "sent";
    static final String RETRY = "retry";
    static final String FAILED = "failed";
    static final String SKIPPED = "skipped";
    static final String EXPIRED = "expired";
  }

  private final Pool pool;
  private final RetryPolicy retries;
  private final Batched<Attempt, Optional<String>> records = new Batched<>(RECORDS_PER_BATCH, this::record);

  NotificationStore(Pool pool, RetryPolicy retries) {
    this.pool = pool;
    this.retries = retries;
  }

  /**
   * Queues the notifications of a page of final events, cancels the reminders they replace and moves the
   * fan-out's cursor past them, on the fan-out's connection.
   */
  Future<Void> queue(SqlClient connection, EventPage page) {
    List<String> users = List.copyOf(Plan.remindedUsers(page.events()));
    Future<Map<String, Preferences>> preferences = users.isEmpty() ? Future.succeededFuture(Map.of())
      : Sql.query(connection, PREFERENCES_OF).mapTo(row -> Map.entry(row.getString("user_id"), preferences(row)))
        .execute(Map.of("users", users.toArray(String[]::new)))
        .map(rows -> Rows.toList(rows).stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    return preferences.compose(known -> {
      Plan plan = Plan.of(page.events(), user -> Optional.ofNullable(known.get(user)));
      Future<?> cancelled = plan.cancelledReminders().isEmpty() ? Future.succeededFuture()
        : Sql.update(connection, CANCEL_REMINDERS).execute(Map.of(
            "bookings", plan.cancelledReminders().keySet().toArray(UUID[]::new),
            "whys", plan.cancelledReminders().values().toArray(String[]::new)));
      return cancelled.compose(done -> Sql.update(connection, QUEUE).execute(queueParams(plan.queued(), page)))
        .mapEmpty();
    });
  }

  private static Map<String, Object> queueParams(List<Plan.Queued> queued, EventPage page) {
    Map<String, Object> params = new HashMap<>();
    params.put("ids", column(queued, Plan.Queued::id, UUID[]::new));
    params.put("event_ids", column(queued, Plan.Queued::eventId, UUID[]::new));
    params.put("booking_ids", column(queued, Plan.Queued::bookingId, UUID[]::new));
    params.put("series_ids", column(queued, Plan.Queued::seriesId, UUID[]::new));
    params.put("recipients", column(queued, Plan.Queued::recipient, String[]::new));
    params.put("kinds", column(queued, q -> q.kind().wire(), String[]::new));
    params.put("minutes", column(queued, Plan.Queued::minutesBefore, Integer[]::new));
    params.put("lesson_starts", column(queued, Plan.Queued::lessonStart, OffsetDateTime[]::new));
    params.put("due", column(queued, Plan.Queued::dueAt, OffsetDateTime[]::new));
    params.put("statuses", column(queued, Plan.Queued::status, String[]::new));
    params.put("errors", column(queued, Plan.Queued::reason, String[]::new));
    params.put("txid", page.next().txid());
    params.put("position", page.next().position());
    return params;
  }

  private static <T> T[] column(List<Plan.Queued> queued, Function<Plan.Queued, T> value, IntFunction<T[]> array) {
    return queued.stream().map(value).toArray(array);
  }

  static Preferences preferences(Row row) {
    return new Preferences(row.getBoolean("email"), Arrays.asList(row.getArrayOfIntegers("reminders_minutes_before")));
  }

  Future<Optional<Preferences>> preferences(String userId) {
    return Sql.query(pool, PREFERENCES_OF).mapTo(NotificationStore::preferences)
      .execute(Map.of("users", new String[] {userId})).map(Rows::first);
  }

  Future<Preferences> setPreferences(String userId, Preferences preferences) {
    return Sql.update(pool, SET_PREFERENCES).mapTo(NotificationStore::preferences)
      .execute(Map.of("user_id", userId, "email", preferences.email(),
        "minutes", preferences.remindersMinutesBefore().toArray(Integer[]::new)))
      .map(rows -> rows.iterator().next());
  }

  Future<Void> turnEmailOff(String userId) {
    return Sql.update(pool, TURN_EMAIL_OFF).execute(Map.of("user_id", userId,
      "defaults", Preferences.DEFAULT.remindersMinutesBefore().toArray(Integer[]::new))).mapEmpty();
  }

  /** The booking's student and teacher, as bookings/ publishes them; empty when there is no such booking. */
  Future<Optional<List<String>>> parties(UUID bookingId) {
    return Sql.query(pool, PARTIES).mapTo(row -> List.of(row.getString("student_id"), row.getString("teacher_id")))
      .execute(Map.of("id", bookingId)).map(Rows::first);
  }

  /** The booking's notifications; {@code recipient} null for everyone's. */
  Future<List<Notification>> ofBooking(UUID bookingId, String recipient) {
    Map<String, Object> params = new HashMap<>();
    params.put("booking_id", bookingId);
    params.put("recipient", recipient);
    return Sql.query(pool, OF_BOOKING).mapTo(NotificationStore::notification).execute(params).map(Rows::toList);
  }

  Future<List<Notification>> ofRecipient(String recipient, UUID after, int limit) {
    return Sql.query(pool, OF_RECIPIENT).mapTo(NotificationStore::notification)
      .execute(Keyset.params(recipient, after, limit)).map(Rows::toList);
  }

  private static Notification notification(Row row) {
    Kind kind = Kind.fromWire(row.getString("kind"));
    return new Notification(row.getUUID("id"), row.getString("recipient"), kind,
      kind == Kind.REMINDER ? row.getInteger("minutes_before") : null, row.getOffsetDateTime("due_at"),
      row.getString("status"), row.getOffsetDateTime("sent_at"), row.getInteger("attempts"), row.getString("error"),
      row.getOffsetDateTime("created_at"));
  }

  Future<List<Claimed>> claim(int max, long leaseSeconds) {
    return Sql.query(pool, CLAIM).mapTo(Claimed::of).execute(Map.of("max", max, "lease_seconds", leaseSeconds))
      .map(Rows::toList);
  }

  /** Records the attempt; answers the notification's status after it (empty when it was no longer this attempt's). */
  Future<Optional<String>> record(Claimed claimed, Outcome outcome, double jitter) {
    return records.add(new Attempt(claimed.id(), claimed.attempt(), outcome,
      retries.gapMs(claimed.attempt(), jitter)));
  }

  /** An attempt to record: which attempt of which notification, what it came to, and the gap before a retry. */
  private record Attempt(UUID id, int attempt, Outcome outcome, long gapMs) {
  }

  /** Records a batch of attempts in one round trip; each attempt's answer as {@link #record}'s, in the batch's order. */
  private Future<List<Optional<String>>> record(List<Attempt> attempts) {
    List<Map<String, Object>> batch = attempts.stream().map(attempt -> {
      Map<String, Object> params = new HashMap<>();
      params.put("id", attempt.id());
      params.put("attempt", attempt.attempt());
      params.put("outcome", attempt.outcome().outcome());
      params.put("error", attempt.outcome().error());
      params.put("gap_ms", attempt.gapMs());
      params.put("retry_for_ms", retries.forMs());
      return params;
    }).toList();
    return Sql.query(pool, RECORD).executeBatch(batch).map(first -> {
      List<Optional<String>> statuses = new ArrayList<>();
      for (RowSet<Row> rows = first; rows != null; rows = rows.next()) {
        statuses.add(Rows.first(rows).map(row -> row.getString("status")));
      }
      return statuses;
    });
  }

  /** How long until the next scheduled notification is due (0 or less: due now), or null when none is. */
  Future<Long> msUntilNextDue() {
    return pool.query(NEXT_DUE).execute().map(rows -> rows.iterator().next().getLong("wait_ms"));
  }

  /** How many notifications are due and not claimed. */
  Future<Long> countDue() {
    return pool.query(COUNT_DUE).execute().map(rows -> rows.iterator().next().getLong("due"));
  }

  Future<Void> erase(String userId) {
    return UserRows.erase(pool, userId, "DELETE FROM notifications WHERE recipient = #{user_id}",
      "DELETE FROM notification_preferences WHERE user_id = #{user_id}");
  }
}
