package red.sessions.vyoma.bookings;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.templates.SqlTemplate;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.availability.Bookable;
import red.sessions.vyoma.availability.TeacherCalendar;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.bus.Echo;
import red.sessions.vyoma.events.EventType;
import red.sessions.vyoma.kernel.Page;
import red.sessions.vyoma.kernel.TimeRange;
import red.sessions.vyoma.packages.Ledger;
import red.sessions.vyoma.platform.Pipelined;
import red.sessions.vyoma.platform.Rows;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The bookings SQL. A booking or a move is judged by {@link Bookable} under the parties' locks, so the
 * answer names the rule a time breaks; overlaps and the teacher's buffer are still refused by the table's
 * exclusion constraints, whatever reached the insert.
 */
final class BookingStore {

  private static final String LIST = "SELECT " + Booking.COLUMNS + """
     FROM bookings
    WHERE (#{student_id}::text IS NULL OR student_id = #{student_id})
      AND (#{teacher_id}::text IS NULL OR teacher_id = #{teacher_id})
    ORDER BY start_time, id
    LIMIT #{limit} OFFSET #{offset}""";

  private static final String FIND = "SELECT " + Booking.COLUMNS + " FROM bookings WHERE id = #{id}";

  // Bookings with a teacher, and of a student, are made one at a time: both parties' profiles are locked
  // first (through profile_roles, as profiles/ publishes them), in one order. So what a booking was judged by
  // (TeacherCalendar) holds until it commits, and two overlapping inserts never meet each other's row half-way,
  // a deadlock PostgreSQL would break by failing one.
  private static final String LOCK_PARTIES = """
    SELECT user_id, role FROM profile_roles WHERE user_id IN (#{student_id}, #{teacher_id}) ORDER BY user_id
       FOR NO KEY UPDATE""";

  // blocked_until widens the booking by the teacher's buffer; the exclusion constraint on it keeps the buffer.
  // free_cancellation_until is the teacher's policy as it judged this booking, fixed for the booking's terms.
  private static final String INSERT = """
    INSERT INTO bookings (id, student_id, teacher_id, slot_id, start_time, end_time, blocked_until, package_id,
                          free_cancellation_until)
    VALUES (#{id}, #{student_id}, #{teacher_id}, #{slot_id}, #{start_time}, #{end_time}, #{blocked_until}, #{package_id},
            #{free_cancellation_until})
    RETURNING\s""" + Booking.COLUMNS;

  // Compare-and-set on the version, for a booking the table lets the caller move now (Transition.MOVE). The times
  // it leaves are recorded as the database had them, with who moved it; a student's move of a confirmed booking
  // asks the teacher to confirm again; free cancellation follows the policy (CancellationPolicy.AFTER_MOVE).
  private static final String MOVE = """
    UPDATE bookings
       SET previous_times = previous_times || jsonb_build_array(jsonb_build_object(
             'start_time', start_time, 'end_time', end_time, 'changed_by', #{caller}::text, 'changed_at', now())),
           start_time = #{start_time}, end_time = #{end_time}, blocked_until = #{blocked_until}, slot_id = #{slot_id},
           status = CASE WHEN #{by_student} THEN 'pending' ELSE status END,
           confirmed_at = CASE WHEN #{by_student} THEN NULL ELSE confirmed_at END,
           free_cancellation_until = %s,
           version = version + 1, updated_at = now()
     WHERE id = #{id} AND version = #{version} AND %s
    RETURNING %s""".formatted(CancellationPolicy.AFTER_MOVE, Transition.MOVE.condition(), Booking.COLUMNS);

  // A key older than its lifetime counts as unused, whether or not the cleanup has deleted it yet: the
  // request that sends it again takes the row over, as if it were new.
  private static final String CLAIM_KEY = """
    INSERT INTO booking_idempotency_keys AS k (caller_id, key, request_hash) VALUES (#{caller_id}, #{key}, #{hash})
    ON CONFLICT (caller_id, key) DO UPDATE
       SET request_hash = EXCLUDED.request_hash, booking_id = NULL, created_at = now()
     WHERE k.created_at < now() - #{ttl_seconds}::int * interval '1 second'""";
  private static final String RECORD_KEY = """
    UPDATE booking_idempotency_keys SET booking_id = #{booking_id} WHERE caller_id = #{caller_id} AND key = #{key}""";
  private static final String FIND_KEY = """
    SELECT request_hash, booking_id FROM booking_idempotency_keys WHERE caller_id = #{caller_id} AND key = #{key}""";

  // Compare-and-set, one per change a PATCH may ask for: the row changes only as the table allows it
  // (Transition.condition), at the expected version. A confirmation is remembered for good (confirmed_at),
  // whatever happens to the booking after; whether a cancellation is late is the policy's (CancellationPolicy.LATE).
  private static final Map<Transition, String> CHANGE_STATUS = new EnumMap<>(Map.of(
    Transition.CONFIRM, changeStatus(Transition.CONFIRM),
    Transition.CANCEL, changeStatus(Transition.CANCEL),
    Transition.COMPLETE, changeStatus(Transition.COMPLETE)));

  private static String changeStatus(Transition change) {
    return """
      UPDATE bookings
         SET status = #{status}, cancel_reason = #{reason}, version = version + 1, updated_at = now(),
             confirmed_at = CASE WHEN #{status} = 'confirmed' THEN now() ELSE confirmed_at END,
             late_cancellation = #{status} = 'cancelled' AND %s
       WHERE id = #{id} AND version = #{version} AND %s
      RETURNING %s""".formatted(CancellationPolicy.LATE, change.condition(), Booking.COLUMNS);
  }

  // A no-show is reported on a booking as the table allows it (Transition.STUDENT_ABSENT, TEACHER_ABSENT: once, by
  // the other party, in the no-show window), and only when the meeting's attendee records do not show the absent
  // party joining the session's meeting (ATTENDED: the evidence, an attendee record in the session's meeting, as
  // sessions/ publishes it over meetings/' attendance).
  private static final String ATTENDED = """
    EXISTS (SELECT 1 FROM lesson_attendance a WHERE a.booking_id = %s AND a.user_id = %s)""";
  private static final Map<Absent, String> NO_SHOW = new EnumMap<>(Map.of(
    Absent.STUDENT, noShow(Absent.STUDENT), Absent.TEACHER, noShow(Absent.TEACHER)));
  private static final String JOINED = "SELECT " + ATTENDED.formatted("#{id}", "#{user_id}") + " AS joined";

  private static String noShow(Absent absent) {
    return """
      UPDATE bookings b
         SET status = #{status}, no_show = #{absent}, version = version + 1, updated_at = now()
       WHERE id = #{id} AND version = #{version} AND %s
         AND NOT %s
      RETURNING %s""".formatted(Transition.noShowOf(absent).condition(),
      ATTENDED.formatted("b.id", "CASE WHEN #{absent} = 'student' THEN b.student_id ELSE b.teacher_id END"), Booking.COLUMNS);
  }

  private final Pool pool;
  private final int keyTtlSeconds;

  BookingStore(Pool pool, int keyTtlSeconds) {
    this.pool = pool;
    this.keyTtlSeconds = keyTtlSeconds;
  }

  Future<List<Booking>> list(String studentId, String teacherId, Page page) {
    Map<String, Object> params = page.params();
    params.put("student_id", studentId);
    params.put("teacher_id", teacherId);
    return SqlTemplate.forQuery(pool, LIST).mapTo(Booking::of).execute(params)
      .map(Rows::toList);
  }

  Future<Optional<Booking>> find(UUID id) {
    return SqlTemplate.forQuery(pool, FIND).mapTo(Booking::of).execute(Map.of("id", id))
      .map(Rows::first);
  }

  /**
   * Makes the booking. With an idempotency key the key is claimed first, in the same transaction, so
   * a retry arriving while the first attempt runs waits for it and then answers what it made.
   *
   * <p>In three round trips before the commit (four when a lesson is used: its event goes first), each a batch
   * sent without waiting (Pipelined): BEGIN, the key's claim, the parties' locks, the teacher's calendar and the
   * package a lesson would come from; then the booking, its ledger entry and the key's booking; then the events.
   * The booking's id is chosen here so that the statements after the insert need not wait for it. The parties'
   * locks are sent before the package's choice, so two bookings of one student choose one after the other
   * (the second sees the lesson the first took) though the choice itself locks nothing.
   */
  Future<CreatedBooking> create(NewBooking booking, String callerId, String idempotencyKey) {
    return Pipelined.withTransaction(pool, connection -> {
      Map<String, Object> key = idempotencyKey == null ? null
        : Map.of("caller_id", callerId, "key", idempotencyKey, "hash", booking.fingerprint());
      Future<Boolean> claimed = key == null ? Future.succeededFuture(true) : claim(connection, key);
      Instant start = booking.time().start().toInstant();
      Instant end = booking.time().end().toInstant();
      Future<Bookable> judged = bookable(connection, booking.studentId(), booking.teacherId(), start, end, null);
      Future<Optional<UUID>> lessons = Ledger.choose(connection, booking.studentId(), booking.teacherId(),
        booking.packageId(), booking.time().start());
      // A replay answers what the first attempt made; what was read for a new booking is not looked at then
      // (the first attempt's booking now stands in its own way).
      return claimed.compose(isNew -> isNew
        ? Future.all(judged, lessons).compose(read -> insert(connection, booking, judged.result(), lessons.result(), key))
          .map(id -> new CreatedBooking(id, false))
        : replay(connection, key));
    });
  }

  private Future<Boolean> claim(SqlConnection connection, Map<String, Object> key) {
    Map<String, Object> claim = new HashMap<>(key);
    claim.put("ttl_seconds", keyTtlSeconds);
    return SqlTemplate.forUpdate(connection, CLAIM_KEY).execute(claim).map(claimed -> claimed.rowCount() == 1);
  }

  private static Future<UUID> insert(SqlConnection connection, NewBooking booking, Bookable bookable,
                                     Optional<UUID> lessons, Map<String, Object> key) {
    boolean fromPackage = bookable.schedule().rules().requiresPackage() || booking.packageId() != null;
    if (fromPackage && lessons.isEmpty()) {
      return Future.failedFuture(Ledger.NO_LESSONS_LEFT);
    }
    UUID packageId = fromPackage ? lessons.get() : null;
    UUID id = UUID.randomUUID();
    Instant start = booking.time().start().toInstant();
    Instant end = booking.time().end().toInstant();
    Map<String, Object> params = new HashMap<>();
    params.put("id", id);
    params.put("student_id", booking.studentId());
    params.put("teacher_id", booking.teacherId());
    params.put("slot_id", bookable.slotAt(start, end).orElse(null));
    params.put("start_time", booking.time().start());
    params.put("end_time", booking.time().end());
    params.put("blocked_until", blockedUntil(bookable, booking.time().end()));
    params.put("package_id", packageId);
    params.put("free_cancellation_until", CancellationPolicy.freeUntil(bookable, booking.time().start()));
    // One batch: the insert's refusal (an overlap, the buffer) is the first answer to fail, and the
    // statements behind it fail as aborted.
    Future<Booking> made = SqlTemplate.forUpdate(connection, INSERT).mapTo(Booking::of).execute(params)
      .map(rows -> rows.iterator().next());
    Future<Void> used = packageId == null ? Future.succeededFuture()
      : Ledger.record(connection, packageId, id, -1, Ledger.Reason.BOOKED);
    Future<?> keyed = key == null ? Future.succeededFuture()
      : SqlTemplate.forUpdate(connection, RECORD_KEY).execute(Map.of("booking_id", id, "caller_id", key.get("caller_id"),
        "key", key.get("key")));
    // The lesson's event comes before the booking's, as in every change that moves a lesson.
    Future<Void> announced = Future.all(made, used)
      .compose(both -> made.result().appendEvent(connection, BookingStatus.PENDING.event()));
    return Future.all(made, used, keyed, announced).map(id);
  }

  /**
   * Locks the parties, then judges the time by the teacher's calendar as it stands (without the booking
   * {@code moving}): a conflict naming the rule it breaks, or what judged it.
   */
  private static Future<Bookable> bookable(SqlConnection connection, String studentId, String teacherId,
                                           Instant start, Instant end, UUID moving) {
    return SqlTemplate.forQuery(connection, LOCK_PARTIES)
      .mapTo(row -> row.getString("user_id").equals(teacherId) && "teacher".equals(row.getString("role")))
      .execute(Map.of("student_id", studentId, "teacher_id", teacherId))
      .compose(parties -> {
        if (!Rows.toList(parties).contains(true)) {
          throw DomainException.invalid("teacher_id " + Echo.of(teacherId) + " is not a teacher");
        }
        return TeacherCalendar.around(connection, teacherId, start, end, moving);
      })
      .map(bookable -> {
        bookable.refusal(start, end, Instant.now()).ifPresent(rule -> {
          throw DomainException.conflict(rule);
        });
        return bookable;
      });
  }

  private static OffsetDateTime blockedUntil(Bookable bookable, OffsetDateTime end) {
    return end.plusMinutes(bookable.schedule().rules().bufferMinutes());
  }

  private Future<CreatedBooking> replay(SqlClient client, Map<String, Object> key) {
    return SqlTemplate.forQuery(client, FIND_KEY).execute(key).map(rows -> {
      var row = rows.iterator().next();
      if (!row.getString("request_hash").equals(key.get("hash"))) {
        throw new DomainException(DomainException.Reason.KEY_REUSED, "this Idempotency-Key was used for a different booking request");
      }
      return new CreatedBooking(row.getUUID("booking_id"), true);
    });
  }

  /** The changed booking, or empty when the compare-and-set matched nothing. */
  Future<Optional<Booking>> changeStatus(UUID id, Transition change, String reason, Caller caller, int version) {
    Map<String, Object> params = change.params(caller);
    params.put("id", id);
    params.put("status", change.to().wire());
    params.put("reason", reason);
    params.put("version", version);
    return pool.withTransaction(connection -> SqlTemplate.forUpdate(connection, CHANGE_STATUS.get(change)).mapTo(Booking::of)
      .execute(params)
      .map(Rows::first)
      .compose(changed -> changed.map(booking -> (change == Transition.CANCEL && booking.packageId() != null
          ? Ledger.record(connection, booking.packageId(), booking.bookingId(), CancellationPolicy.lessonsBack(booking),
            CancellationPolicy.ledgerReason(booking, caller))
          : Future.<Void>succeededFuture())
        .compose(v -> booking.appendEvent(connection, change.to().event()))
        .map(changed))
        .orElseGet(() -> Future.succeededFuture(changed))));
  }

  /** The booking after the no-show report, or empty when the compare-and-set matched nothing. */
  Future<Optional<Booking>> reportNoShow(UUID bookingId, Absent absent, Caller caller, int version) {
    Transition report = Transition.noShowOf(absent);
    Map<String, Object> params = report.params(caller);
    params.put("id", bookingId);
    params.put("version", version);
    params.put("absent", absent.wire());
    params.put("status", report.to().wire());
    return pool.withTransaction(connection -> SqlTemplate.forUpdate(connection, NO_SHOW.get(absent)).mapTo(Booking::of)
      .execute(params)
      .map(Rows::first)
      .compose(reported -> reported.map(booking -> (booking.packageId() != null
          ? Ledger.record(connection, booking.packageId(), booking.bookingId(), absent.lessonReturned() ? 1 : 0,
            absent.ledgerReason())
          : Future.<Void>succeededFuture())
        .compose(v -> booking.appendEvent(connection, EventType.BOOKING_NO_SHOW))
        .map(reported))
        .orElseGet(() -> Future.succeededFuture(reported))));
  }

  /** Whether the user joined the meeting of the booking's session: the evidence a no-show report is weighed by. */
  Future<Boolean> joinedMeeting(UUID bookingId, String userId) {
    return SqlTemplate.forQuery(pool, JOINED).mapTo(row -> row.getBoolean("joined"))
      .execute(Map.of("id", bookingId, "user_id", userId))
      .map(rows -> rows.iterator().next());
  }

  /** The moved booking, or empty when the compare-and-set matched nothing. */
  Future<Optional<Booking>> move(Booking booking, TimeRange time, Caller caller, int version) {
    Instant start = time.start().toInstant();
    Instant end = time.end().toInstant();
    return pool.withTransaction(connection ->
      bookable(connection, booking.studentId(), booking.teacherId(), start, end, booking.bookingId())
        .compose(bookable -> {
          Map<String, Object> params = Transition.MOVE.params(caller);
          params.put("id", booking.bookingId());
          params.put("version", version);
          params.put("start_time", time.start());
          params.put("end_time", time.end());
          params.put("blocked_until", blockedUntil(bookable, time.end()));
          params.put("slot_id", bookable.slotAt(start, end).orElse(null));
          params.put("by_student", booking.isStudent(caller));
          params.put("free_until", CancellationPolicy.freeUntil(bookable, time.start()));
          return packageValidAt(connection, booking, time.start())
            .compose(valid -> SqlTemplate.forUpdate(connection, MOVE).mapTo(Booking::of).execute(params));
        })
        .map(Rows::first)
        .compose(moved -> moved.map(found -> (found.packageId() != null
            ? Ledger.record(connection, found.packageId(), found.bookingId(), 0, Ledger.Reason.RESCHEDULED)
            : Future.<Void>succeededFuture())
          .compose(v -> found.appendEvent(connection, EventType.BOOKING_RESCHEDULED))
          .map(moved))
          .orElseGet(() -> Future.succeededFuture(moved))));
  }

  /** The lesson moves with the booking: its package must still be valid at the new start. */
  private static Future<Void> packageValidAt(SqlConnection connection, Booking booking, OffsetDateTime start) {
    if (booking.packageId() == null) {
      return Future.succeededFuture();
    }
    return Ledger.validAt(connection, booking.packageId(), start).map(valid -> {
      if (!valid) {
        throw DomainException.conflict("the booking's package expires before the new time");
      }
      return null;
    });
  }
}
