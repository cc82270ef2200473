package red.sessions.vyoma.availability;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.kernel.Page;
import red.sessions.vyoma.kernel.TimeRange;
import red.sessions.vyoma.platform.Rows;
import red.sessions.vyoma.platform.Sql;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The availability SQL. */
final class AvailabilityStore {

  private static final String LIST = """
    SELECT s.id, s.teacher_id, s.start_time, s.end_time,
           EXISTS (SELECT 1 FROM active_bookings b WHERE b.slot_id = s.id) AS is_booked
    FROM availability_slots s
    WHERE (#{teacher_id}::text IS NULL OR s.teacher_id = #{teacher_id})
      AND (#{from}::timestamptz IS NULL OR s.end_time > #{from})
      AND (#{to}::timestamptz IS NULL OR s.start_time < #{to})
    ORDER BY s.start_time, s.id
    LIMIT #{limit} OFFSET #{offset}""";

  // Only a teacher's profile yields a row to insert; overlapping slots are refused by the exclusion constraint.
  // Locking that profile (through profiles' view, which locks the profile's own row as strongly) makes a teacher's slots be published one at a time: two overlapping inserts that
  // checked the constraint at the same moment would each wait for the other, a deadlock PostgreSQL breaks
  // by failing one (a 500); this way the later one meets the earlier's row (a 409).
  private static final String CREATE = """
    INSERT INTO availability_slots (teacher_id, start_time, end_time)
    SELECT user_id, #{start_time}, #{end_time} FROM profile_roles WHERE user_id = #{teacher_id} AND role = 'teacher'
       FOR NO KEY UPDATE
    RETURNING id""";

  // Locking the slot waits for any booking being made in it (its foreign-key check holds a share lock),
  // so the check for active bookings that follows, in a fresh snapshot, sees every committed one.
  private static final String LOCK = "SELECT teacher_id FROM availability_slots WHERE id = #{id} FOR UPDATE";
  private static final String HOLDS_ACTIVE_BOOKING = """
    SELECT EXISTS (SELECT 1 FROM active_bookings WHERE slot_id = #{id}) AS held""";
  private static final String DELETE = "DELETE FROM availability_slots WHERE id = #{id}";

  // A teacher's schedule with their role, for reading it: no row, or not a teacher, is not a teacher's schedule.
  private static final String TEACHER_SCHEDULE = "SELECT p.role, " + TeacherCalendar.SCHEDULE_COLUMNS + """

      FROM profile_roles p LEFT JOIN teacher_schedules s ON s.teacher_id = p.user_id
     WHERE p.user_id = #{teacher_id}""";

  // Only a teacher's profile yields a row; locking it orders the change with bookings being made with the
  // teacher (they lock it too), so a booking is judged by the schedule before or after, never half of each.
  private static final String SAVE_SCHEDULE = """
    INSERT INTO teacher_schedules AS s (teacher_id, time_zone, weekly, overrides, min_notice_minutes, buffer_minutes,
                                        slot_step_minutes, max_days_ahead, free_cancellation_hours, requires_package)
    SELECT user_id, #{time_zone}, #{weekly}, #{overrides}, #{min_notice_minutes}, #{buffer_minutes},
           #{slot_step_minutes}, #{max_days_ahead}, #{free_cancellation_hours}, #{requires_package}
      FROM profile_roles WHERE user_id = #{teacher_id} AND role = 'teacher'
       FOR NO KEY UPDATE
    ON CONFLICT (teacher_id) DO UPDATE
       SET time_zone = EXCLUDED.time_zone, weekly = EXCLUDED.weekly, overrides = EXCLUDED.overrides,
           min_notice_minutes = EXCLUDED.min_notice_minutes, buffer_minutes = EXCLUDED.buffer_minutes,
           slot_step_minutes = EXCLUDED.slot_step_minutes, max_days_ahead = EXCLUDED.max_days_ahead,
           free_cancellation_hours = EXCLUDED.free_cancellation_hours, requires_package = EXCLUDED.requires_package,
           updated_at = now()
    RETURNING teacher_id""";

  private static final String IS_TEACHER =
    "SELECT EXISTS (SELECT 1 FROM profile_roles WHERE user_id = #{teacher_id} AND role = 'teacher') AS teacher";

  private final Pool pool;

  AvailabilityStore(Pool pool) {
    this.pool = pool;
  }

  Future<List<Slot>> list(String teacherId, OffsetDateTime from, OffsetDateTime to, Page page) {
    Map<String, Object> params = page.params();
    params.put("teacher_id", teacherId);
    params.put("from", from);
    params.put("to", to);
    return Sql.query(pool, LIST)
      .mapTo(row -> new Slot(row.getUUID("id"), row.getString("teacher_id"), row.getOffsetDateTime("start_time"),
        row.getOffsetDateTime("end_time"), row.getBoolean("is_booked")))
      .execute(params)
      .map(Rows::toList);
  }

  /** The new slot's id, or empty when {@code teacherId} has no teacher profile. */
  Future<Optional<UUID>> create(String teacherId, TimeRange time) {
    return Sql.update(pool, CREATE)
      .mapTo(row -> row.getUUID("id"))
      .execute(Map.of("teacher_id", teacherId, "start_time", time.start(), "end_time", time.end()))
      .map(Rows::first);
  }

  /** The teacher's schedule ({@link Schedule#NONE} when they never set one); empty when there is no such teacher. */
  Future<Optional<Schedule>> schedule(String teacherId) {
    return Sql.query(pool, TEACHER_SCHEDULE)
      .execute(Map.of("teacher_id", teacherId))
      .map(rows -> Rows.first(rows)
        .filter(row -> "teacher".equals(row.getString("role")))
        .map(row -> row.getString("time_zone") == null ? Schedule.NONE : TeacherCalendar.schedule(row)));
  }

  /** Stores the schedule; false when {@code teacherId} has no teacher profile. */
  Future<Boolean> saveSchedule(String teacherId, Schedule schedule) {
    Map<String, Object> params = new HashMap<>();
    params.put("teacher_id", teacherId);
    params.put("time_zone", schedule.timeZone().getId());
    params.put("weekly", ScheduleJson.weekly(schedule));
    params.put("overrides", ScheduleJson.overrides(schedule));
    params.put("min_notice_minutes", schedule.rules().minNoticeMinutes());
    params.put("buffer_minutes", schedule.rules().bufferMinutes());
    params.put("slot_step_minutes", schedule.rules().slotStepMinutes());
    params.put("max_days_ahead", schedule.rules().maxDaysAhead());
    params.put("free_cancellation_hours", schedule.rules().freeCancellationHours());
    params.put("requires_package", schedule.rules().requiresPackage());
    return Sql.update(pool, SAVE_SCHEDULE).execute(params).map(result -> result.rowCount() == 1);
  }

  /** What judges the teacher's times from {@code from} to {@code to}; empty when there is no such teacher. */
  Future<Optional<Bookable>> bookable(String teacherId, Instant from, Instant to) {
    Future<Boolean> teacher = Sql.query(pool, IS_TEACHER).mapTo(row -> row.getBoolean("teacher"))
      .execute(Map.of("teacher_id", teacherId)).map(rows -> rows.iterator().next());
    Future<Bookable> bookable = TeacherCalendar.around(pool, teacherId, from, to);
    return Future.all(teacher, bookable).map(both -> teacher.result() ? Optional.of(bookable.result()) : Optional.empty());
  }

  Future<Void> delete(UUID id, Caller caller) {
    Map<String, Object> params = Map.of("id", id);
    return pool.withTransaction(connection -> Sql.query(connection, LOCK)
      .mapTo(row -> row.getString("teacher_id"))
      .execute(params)
      .compose(rows -> {
        String teacherId = Rows.first(rows).orElseThrow(() -> DomainException.notFound("no availability slot " + id));
        if (!caller.actsFor(teacherId)) {
          throw DomainException.forbidden("only the slot's teacher may delete it");
        }
        return Sql.query(connection, HOLDS_ACTIVE_BOOKING).mapTo(row -> row.getBoolean("held")).execute(params);
      })
      .compose(held -> {
        if (held.iterator().next()) {
          throw DomainException.conflict("the slot holds a pending or confirmed booking; cancel it first");
        }
        return Sql.update(connection, DELETE).execute(params);
      })
      .mapEmpty());
  }
}
