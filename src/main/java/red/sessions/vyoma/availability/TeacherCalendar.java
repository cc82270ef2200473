package red.sessions.vyoma.availability;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import red.sessions.vyoma.platform.Rows;
import red.sessions.vyoma.platform.Sql;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Reads what {@link Bookable} judges by: a teacher's schedule, one-off slots, active bookings and busy time in
 * their external calendars (as externalcalendars/ publishes it) around a time. The listing reads it from the pool;
 * a booking or a move reads it in its own transaction, after locking the teacher's profile, so that what it judged
 * still holds when it writes.
 */
public final class TeacherCalendar {

  /** The columns of {@code teacher_schedules} that {@link #schedule(Row)} reads. */
  static final String SCHEDULE_COLUMNS = """
    time_zone, weekly, overrides, min_notice_minutes, buffer_minutes, slot_step_minutes, max_days_ahead,
    free_cancellation_hours, requires_package""";
  private static final String SCHEDULE =
    "SELECT " + SCHEDULE_COLUMNS + " FROM teacher_schedules WHERE teacher_id = #{teacher_id}";
  // Each read through the GiST index of its table's exclusion constraint (or the busy times' own): the teacher and
  // the overlap of the very range it is on, so a teacher with hundreds of slots or bookings costs a lookup, not a
  // scan of them. Bookings and busy time matter as far as the teacher's buffer reaches beyond the range (the
  // schedule's, none without one), so the range is widened by it here.
  private static final String SLOTS = """
    SELECT id, start_time, end_time FROM availability_slots
     WHERE teacher_id = #{teacher_id} AND tstzrange(start_time, end_time) && tstzrange(#{from}, #{to})""";
  private static final String NEAR = """
    WITH near AS (
      SELECT tstzrange(#{from}::timestamptz - reach, #{to}::timestamptz + reach) AS range
        FROM (SELECT coalesce(max(buffer_minutes), 0) * interval '1 minute' AS reach FROM teacher_schedules
               WHERE teacher_id = #{teacher_id}) AS buffer)
    """;
  private static final String BOOKINGS = NEAR + """
    SELECT id, start_time, end_time FROM active_bookings, near
     WHERE teacher_id = #{teacher_id} AND tstzrange(start_time, blocked_until) && near.range
       AND NOT (id = ANY (#{excluding}))""";
  private static final String BUSY = NEAR + """
    SELECT NULL::uuid AS id, start_time, end_time FROM external_busy_times, near
     WHERE teacher_id = #{teacher_id} AND tstzrange(start_time, end_time) && near.range""";

  private TeacherCalendar() {
  }

  /** The teacher's stored schedule; empty when they never set one. */
  static Future<Optional<Schedule>> schedule(SqlClient client, String teacherId) {
    return Sql.query(client, SCHEDULE).mapTo(TeacherCalendar::schedule)
      .execute(Map.of("teacher_id", teacherId)).map(Rows::first);
  }

  /**
   * What the bookable slots from {@code from} to {@code to} are listed by: the teacher's calendar from
   * {@link Bookable#MARGIN} before to as long after, so that every stretch of availability reaching into the range
   * is read whole.
   */
  public static Future<Bookable> around(SqlClient client, String teacherId, Instant from, Instant to) {
    return judging(client, teacherId, from.minus(Bookable.MARGIN), to.plus(Bookable.MARGIN), Set.of());
  }

  /**
   * What decides whether times from {@code from} to {@code to} are bookable with the teacher, without the
   * bookings {@code excluding} (those being moved; none for a new booking): the slots over those times, and the
   * bookings and busy time within the teacher's buffer of them. A booking judged in a teacher's full week reads the
   * one or two bookings next to it, not the week's.
   */
  public static Future<Bookable> judging(SqlClient client, String teacherId, Instant from, Instant to,
                                         Set<UUID> excluding) {
    Map<String, Object> near = new HashMap<>();
    near.put("teacher_id", teacherId);
    near.put("from", from.atOffset(ZoneOffset.UTC));
    near.put("to", to.atOffset(ZoneOffset.UTC));
    near.put("excluding", excluding.toArray(UUID[]::new));
    Future<Optional<Schedule>> schedule = schedule(client, teacherId);
    Future<List<Bookable.Interval>> slots = intervals(client, SLOTS, near);
    Future<List<Bookable.Interval>> bookings = intervals(client, BOOKINGS, near);
    Future<List<Bookable.Interval>> busy = intervals(client, BUSY, near);
    return Future.all(schedule, slots, bookings, busy)
      .map(all -> new Bookable(schedule.result().orElse(Schedule.NONE), slots.result(), bookings.result(),
        busy.result()));
  }

  private static Future<List<Bookable.Interval>> intervals(SqlClient client, String sql, Map<String, Object> near) {
    return Sql.query(client, sql)
      .mapTo(row -> new Bookable.Interval(row.getUUID("id"), row.getOffsetDateTime("start_time").toInstant(),
        row.getOffsetDateTime("end_time").toInstant()))
      .execute(near)
      .map(Rows::toList);
  }

  static Schedule schedule(Row row) {
    return ScheduleJson.stored(row.getString("time_zone"), (JsonArray) row.getJson("weekly"),
      (JsonArray) row.getJson("overrides"), new Schedule.Rules(row.getInteger("min_notice_minutes"),
        row.getInteger("buffer_minutes"), row.getInteger("slot_step_minutes"), row.getInteger("max_days_ahead"),
        row.getInteger("free_cancellation_hours"), row.getBoolean("requires_package")));
  }
}
