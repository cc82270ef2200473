package red.sessions.vyoma.bookings;

import red.sessions.vyoma.kernel.Keyset;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.availability.Bookable;
import red.sessions.vyoma.availability.TeacherCalendar;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.bus.Echo;
import red.sessions.vyoma.events.EventType;
import red.sessions.vyoma.events.Outbox;
import red.sessions.vyoma.kernel.Ids;
import red.sessions.vyoma.kernel.Page;
import red.sessions.vyoma.kernel.TimeRange;
import red.sessions.vyoma.packages.Ledger;
import red.sessions.vyoma.packages.Package;
import red.sessions.vyoma.platform.Pipelined;
import red.sessions.vyoma.platform.Rows;
import red.sessions.vyoma.platform.Sql;
import red.sessions.vyoma.platform.UserRows;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The bookings SQL. A booking or a move is judged by {@link Bookable} under the parties' locks, so the
 * answer names the rule a time breaks; overlaps and the teacher's buffer are still refused by the table's
 * exclusion constraints, whatever reached the insert.
 */
final class BookingStore {

  static final int MAX_KEY = 255;

  private static final String LIST = "SELECT " + Booking.COLUMNS + """
     FROM bookings
    WHERE (#{student_id}::text IS NULL OR student_id = #{student_id})
      AND (#{teacher_id}::text IS NULL OR teacher_id = #{teacher_id})
    ORDER BY start_time, id
    LIMIT #{limit} OFFSET #{offset}""";

  private static final String FIND = "SELECT " + Booking.COLUMNS + " FROM bookings WHERE id = #{id}";

  // A page of a user's bookings as either party, by id (time-ordered) after the last page's.
  private static final String OF_USER = "SELECT " + Booking.COLUMNS + """
     FROM bookings
    WHERE (student_id = #{user_id} OR teacher_id = #{user_id}) AND (#{after}::uuid IS NULL OR id > #{after})
    ORDER BY id
    LIMIT #{limit}""";

  // Bookings with a teacher, and of a student, are made one at a time: both parties' profiles are locked
  // first (through profile_roles, as profiles/ publishes them), in one order. So what a booking was judged by
  // (TeacherCalendar) holds until it commits, and two overlapping inserts never meet each other's row half-way,
  // a deadlock PostgreSQL would break by failing one.
  // now() is the transaction's time: what the booking's row and its ledger entry are written with.
  private static final String LOCK_PARTIES = """
    SELECT user_id, role, now() AS now FROM profile_roles WHERE user_id IN (#{student_id}, #{teacher_id})
     ORDER BY user_id
       FOR NO KEY UPDATE""";

  // The row is the Booking the store made (Booking.requested), so its event is written beside it without reading
  // it back; the columns left out are a new booking's defaults (no move, reason, confirmation, no-show).
  // blocked_until widens the booking by the teacher's buffer; the exclusion constraint on it keeps the buffer.
  // free_cancellation_until is the teacher's policy as it judged this booking, fixed for the booking's terms.
  private static final String INSERT = """
    INSERT INTO bookings (id, student_id, teacher_id, slot_id, start_time, end_time, blocked_until, package_id,
                          free_cancellation_until, status, version, created_at, updated_at, series_id, confirmed_at)
    VALUES (#{id}, #{student_id}, #{teacher_id}, #{slot_id}, #{start_time}, #{end_time}, #{blocked_until}, #{package_id},
            #{free_cancellation_until}, #{status}, #{version}, #{created_at}, #{updated_at}, #{series_id},
            CASE WHEN #{status} = 'confirmed' THEN #{created_at}::timestamptz END)""";

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
       SET request_hash = EXCLUDED.request_hash, booking_id = NULL, series_id = NULL, created_at = now()
     WHERE k.created_at < now() - #{ttl_seconds}::int * interval '1 second'""";
  // A key records what its request made: a booking, or a series (SeriesStore).
  private static final String RECORD_KEY = """
    UPDATE booking_idempotency_keys SET booking_id = #{booking_id}, series_id = #{series_id}
     WHERE caller_id = #{caller_id} AND key = #{key}""";
  private static final String FIND_KEY = """
    SELECT request_hash, booking_id, series_id FROM booking_idempotency_keys
     WHERE caller_id = #{caller_id} AND key = #{key}""";
  // The same, while the key holds: an expired key is free for a new request (CLAIM_KEY takes it over).
  private static final String FIND_LIVE_KEY = FIND_KEY + """

       AND created_at >= now() - #{ttl_seconds}::int * interval '1 second'""";

  // Compare-and-set, one per change a PATCH may ask for: the row changes only as the table allows it
  // (Transition.condition), at the expected version. A confirmation is remembered for good (confirmed_at),
  // whatever happens to the booking after; whether a cancellation is late is the policy's (CancellationPolicy.LATE);
  // who cancelled it is the caller whose compare-and-set it was (a party, or an admin), for its event to name.
  private static final String ONE_BOOKING = "id = #{id} AND version = #{version}";
  private static final Map<Transition, String> CHANGE_STATUS = new EnumMap<>(Map.of(
    Transition.CONFIRM, changeStatus(Transition.CONFIRM, ONE_BOOKING),
    Transition.CANCEL, changeStatus(Transition.CANCEL, ONE_BOOKING),
    Transition.COMPLETE, changeStatus(Transition.COMPLETE, ONE_BOOKING)));

  // A series changes its occurrences together, each as the table allows it: the teacher confirms every pending
  // one; a cancellation reaches those from a start on (from_time; null for all of them, wherever each was moved)
  // that have not started, so the lessons already held or under way keep their state.
  private static final Map<Transition, String> CHANGE_SERIES = new EnumMap<>(Map.of(
    Transition.CONFIRM, changeStatus(Transition.CONFIRM, "series_id = #{series_id}"),
    Transition.CANCEL, changeStatus(Transition.CANCEL, """
      series_id = #{series_id} AND (#{from_time}::timestamptz IS NULL OR start_time >= #{from_time})
        AND start_time > now()""")));

  /** The compare-and-set of a change of status, for the bookings {@code which} selects (SQL). */
  private static String changeStatus(Transition change, String which) {
    return """
      UPDATE bookings
         SET status = #{status}, cancel_reason = #{reason}, version = version + 1, updated_at = now(),
             confirmed_at = CASE WHEN #{status} = 'confirmed' THEN now() ELSE confirmed_at END,
             late_cancellation = #{status} = 'cancelled' AND %s,
             cancelled_by = CASE WHEN #{status} = 'cancelled' THEN #{caller}::text ELSE cancelled_by END
       WHERE %s AND %s
      RETURNING %s""".formatted(CancellationPolicy.LATE, which, change.condition(), Booking.COLUMNS);
  }

  // A no-show is reported on a booking as the table allows it (Transition.STUDENT_ABSENT, TEACHER_ABSENT: once, by
  // the other party, in the no-show window), and only when the absent party did not attend the lesson (ATTENDED: as
  // sessions/ publishes it over meetings/' attendance, a presence interval overlapping the lesson where the server
  // follows Chime's events, else an attendee record in the session's meeting).
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

  Future<List<Booking>> ofUser(String userId, UUID after, int limit) {
    return Sql.query(pool, OF_USER).mapTo(Booking::of).execute(Keyset.params(userId, after, limit))
      .map(Rows::toList);
  }

  Future<List<Booking>> list(String studentId, String teacherId, Page page) {
    Map<String, Object> params = page.params();
    params.put("student_id", studentId);
    params.put("teacher_id", teacherId);
    return Sql.query(pool, LIST).mapTo(Booking::of).execute(params)
      .map(Rows::toList);
  }

  Future<Optional<Booking>> find(UUID id) {
    return Sql.query(pool, FIND).mapTo(Booking::of).execute(Map.of("id", id))
      .map(Rows::first);
  }

  /**
   * Makes the booking. With an idempotency key the key is claimed first, in the same transaction, so
   * a retry arriving while the first attempt runs waits for it and then answers what it made.
   *
   * <p>In two round trips (Pipelined.readThenWrite): BEGIN, the key's claim, the parties' locks, the teacher's
   * calendar and the package a lesson would come from (locked); judged here; then the booking, its ledger entry,
   * the package's and the booking's events (one statement), the key's booking, and COMMIT. Nothing written is read
   * back: the booking's id is chosen here, its row is the {@link Booking} made here (at the transaction's time, read
   * with the locks), and the package's state after the lesson is known from the locked row.
   */
  Future<CreatedBooking> create(NewBooking booking, String callerId, String idempotencyKey) {
    Map<String, Object> key = key(callerId, idempotencyKey, booking.fingerprint());
    return Pipelined.readThenWrite(pool,
      connection -> plan(connection, booking, key),
      (connection, plan) -> plan.isEmpty()
        ? replay(connection, key).map(row -> new CreatedBooking(row.getUUID("booking_id"), true))
        : write(connection, plan.get(), key));
  }

  /**
   * An idempotency key (of a booking, a series or a series' move) as its statements take it, or null without one;
   * 400 for a key that is blank or longer than {@link #MAX_KEY} characters.
   */
  static Map<String, Object> key(String callerId, String idempotencyKey, String fingerprint) {
    if (idempotencyKey == null) {
      return null;
    }
    if (idempotencyKey.isBlank() || idempotencyKey.length() > MAX_KEY) {
      throw DomainException.invalid("an idempotency key must be 1 to " + MAX_KEY + " characters");
    }
    return Map.of("caller_id", callerId, "key", idempotencyKey, "hash", fingerprint);
  }

  /** What a new booking writes: its row, the package its lesson comes from (locked), as judged. */
  record Planned(Booking booking, UUID slotId, OffsetDateTime blockedUntil, Optional<Package> lessons) {

    /**
     * The booking judged bookable by {@code judged}, its lesson taken from {@code lessons} (as the package is
     * before it), as an occurrence of the series {@code seriesId} (null for none), in the status given.
     */
    static Planned of(NewBooking booking, Judged judged, Optional<Package> lessons, UUID seriesId, BookingStatus status) {
      Bookable bookable = judged.bookable();
      Instant start = booking.time().start().toInstant();
      Instant end = booking.time().end().toInstant();
      Booking made = Booking.requested(Ids.timeOrdered(), booking, lessons.map(Package::packageId).orElse(null),
        CancellationPolicy.freeUntil(bookable, booking.time().start()), judged.now(), seriesId, status);
      return new Planned(made, bookable.slotAt(start, end).orElse(null), BookingStore.blockedUntil(bookable, booking.time().end()),
        lessons);
    }
  }

  /** Whether a lesson booked with the teacher comes from a package: the teacher requires one, or the student named one. */
  static boolean fromPackage(Bookable bookable, UUID named) {
    return bookable.schedule().rules().requiresPackage() || named != null;
  }

  /** The booking to write, or empty when the key was used before and its first attempt is to be answered. */
  private Future<Optional<Planned>> plan(SqlConnection connection, NewBooking booking, Map<String, Object> key) {
    Future<Boolean> claimed = key == null ? Future.succeededFuture(true) : claim(connection, key);
    Instant start = booking.time().start().toInstant();
    Instant end = booking.time().end().toInstant();
    Future<Judged> judged = bookable(connection, booking.studentId(), booking.teacherId(), start, end, Set.of());
    Future<Optional<Package>> lessons = Ledger.choose(connection, booking.studentId(), booking.teacherId(),
      booking.packageId(), booking.time().start());
    // A replay answers what the first attempt made; what was read for a new booking is not looked at then
    // (the first attempt's booking now stands in its own way).
    return claimed.compose(isNew -> isNew
      ? Future.all(judged, lessons).map(read -> Optional.of(planned(booking, judged.result(), lessons.result())))
      : Future.succeededFuture(Optional.empty()));
  }

  private static Planned planned(NewBooking booking, Judged judged, Optional<Package> lessons) {
    boolean fromPackage = fromPackage(judged.bookable(), booking.packageId());
    if (fromPackage && lessons.isEmpty()) {
      throw Ledger.NO_LESSONS_LEFT;
    }
    return Planned.of(booking, judged, fromPackage ? lessons : Optional.empty(), null, BookingStatus.PENDING);
  }

  /** Whether the key is new (or expired, and taken over): false when its first attempt is to be answered. */
  Future<Boolean> claim(SqlConnection connection, Map<String, Object> key) {
    Map<String, Object> claim = new HashMap<>(key);
    claim.put("ttl_seconds", keyTtlSeconds);
    return Sql.update(connection, CLAIM_KEY).execute(claim).map(claimed -> claimed.rowCount() == 1);
  }

  /** Sends every write of the booking at once; the insert's refusal (an overlap, the buffer) is the first to fail. */
  static Future<CreatedBooking> write(SqlConnection connection, Planned planned, Map<String, Object> key) {
    Booking booking = planned.booking();
    Map<String, Object> params = new HashMap<>();
    params.put("id", booking.bookingId());
    params.put("student_id", booking.studentId());
    params.put("teacher_id", booking.teacherId());
    params.put("slot_id", planned.slotId());
    params.put("start_time", booking.startTime());
    params.put("end_time", booking.endTime());
    params.put("blocked_until", planned.blockedUntil());
    params.put("package_id", booking.packageId());
    params.put("free_cancellation_until", booking.freeCancellationUntil());
    params.put("status", booking.status().wire());
    params.put("version", booking.version());
    params.put("created_at", booking.createdAt());
    params.put("updated_at", booking.updatedAt());
    params.put("series_id", booking.seriesId());
    Future<?> made = Sql.update(connection, INSERT).execute(params);
    Outbox.Entry created = booking.event(BookingStatus.PENDING.event());
    // The lesson's event comes before the booking's, as in every change that moves a lesson.
    Future<Void> announced = planned.lessons()
      .map(lessons -> Ledger.use(connection, lessons, booking.bookingId(), booking.createdAt(), created))
      .orElseGet(() -> Outbox.append(connection, created));
    Future<Void> keyed = recordKey(connection, key, booking.bookingId(), null);
    return Future.all(made, announced, keyed).map(new CreatedBooking(booking.bookingId(), false));
  }

  /** Records what the key's request made (a booking or a series), in its transaction; nothing without a key. */
  static Future<Void> recordKey(SqlConnection connection, Map<String, Object> key, UUID bookingId, UUID seriesId) {
    if (key == null) {
      return Future.succeededFuture();
    }
    Map<String, Object> params = new HashMap<>();
    params.put("booking_id", bookingId);
    params.put("series_id", seriesId);
    params.put("caller_id", key.get("caller_id"));
    params.put("key", key.get("key"));
    return Sql.update(connection, RECORD_KEY).execute(params).mapEmpty();
  }

  /** What judged a time, and the transaction's time, read with the parties' locks. */
  record Judged(Bookable bookable, OffsetDateTime now) {
  }

  /**
   * Locks the parties, then judges the time by the teacher's calendar as it stands (without the bookings
   * {@code moving}): a conflict naming the rule it breaks, or what judged it.
   */
  private static Future<Judged> bookable(SqlConnection connection, String studentId, String teacherId,
                                         Instant start, Instant end, Set<UUID> moving) {
    return locked(connection, studentId, teacherId, start, end, moving).map(judged -> {
      judged.bookable().refusal(start, end, Instant.now()).ifPresent(rule -> {
        throw DomainException.conflict(rule);
      });
      return judged;
    });
  }

  /**
   * Locks the parties and reads the teacher's calendar from {@code from} to {@code to} (without the bookings
   * {@code moving}), for times in it to be judged by. The calendar's reads go out behind the locks without waiting
   * for them, and run once the locks are held.
   */
  static Future<Judged> locked(SqlConnection connection, String studentId, String teacherId, Instant from, Instant to,
                               Set<UUID> moving) {
    Future<RowSet<Row>> parties = Sql.query(connection, LOCK_PARTIES)
      .execute(Map.of("student_id", studentId, "teacher_id", teacherId));
    Future<Bookable> calendar = TeacherCalendar.judging(connection, teacherId, from, to, moving);
    return Future.all(parties, calendar).map(read -> {
      OffsetDateTime now = null;
      boolean teacher = false;
      for (Row party : parties.result()) {
        now = party.getOffsetDateTime("now");
        teacher |= party.getString("user_id").equals(teacherId) && "teacher".equals(party.getString("role"));
      }
      if (!teacher) {
        throw DomainException.invalid("teacher_id " + Echo.of(teacherId) + " is not a teacher");
      }
      return new Judged(calendar.result(), now);
    });
  }

  /** Until when a lesson ending at {@code end} holds the teacher's time: its end and the teacher's buffer. */
  static OffsetDateTime blockedUntil(Bookable bookable, OffsetDateTime end) {
    return end.plusMinutes(bookable.schedule().rules().bufferMinutes());
  }

  /** The key's row (what its first request made), when it was sent with the same request; 422 otherwise. */
  static Future<Row> replay(SqlClient client, Map<String, Object> key) {
    return Sql.query(client, FIND_KEY).execute(key).map(rows -> sameRequest(rows.iterator().next(), key));
  }

  /**
   * The key's row when an earlier request with it has been made and the key has not expired (a request still in
   * flight has not committed its row), outside any transaction; 422 when that was a different request.
   */
  Future<Optional<Row>> madeBy(Map<String, Object> key) {
    Map<String, Object> live = new HashMap<>(key);
    live.put("ttl_seconds", keyTtlSeconds);
    return Sql.query(pool, FIND_LIVE_KEY).execute(live)
      .map(rows -> Rows.first(rows).map(row -> sameRequest(row, key)));
  }

  private static Row sameRequest(Row row, Map<String, Object> key) {
    if (!row.getString("request_hash").equals(key.get("hash"))) {
      throw new DomainException(DomainException.Reason.KEY_REUSED, "this Idempotency-Key was used for a different request");
    }
    return row;
  }

  /**
   * The changed booking, or empty when the compare-and-set matched nothing. A cancelled occurrence of a series is
   * remembered there as cancelled on its own.
   */
  Future<Optional<Booking>> changeStatus(UUID id, Transition change, String reason, Caller caller, int version) {
    Map<String, Object> params = change.params(caller);
    params.put("id", id);
    params.put("status", change.to().wire());
    params.put("reason", reason);
    params.put("version", version);
    return Pipelined.withTransaction(pool, connection -> Sql.update(connection, CHANGE_STATUS.get(change)).mapTo(Booking::of)
      .execute(params)
      .map(Rows::first)
      .compose(changed -> changed.map(booking -> Future.all(changed(connection, booking, change, caller),
          change == Transition.CANCEL && booking.seriesId() != null
            ? SeriesStore.changedAlone(connection, booking.bookingId(), "cancelled") : Future.succeededFuture())
          .map(changed))
        .orElseGet(() -> Future.succeededFuture(changed))));
  }

  /**
   * Changes the status of the series' occurrences the change reaches (from {@code from} on, for a cancellation),
   * in the caller's transaction, each with its ledger entry and event: the occurrences changed.
   */
  static Future<List<Booking>> changeSeries(SqlConnection connection, UUID seriesId, Transition change,
                                            OffsetDateTime from, String reason, Caller caller) {
    Map<String, Object> params = change.params(caller);
    params.put("series_id", seriesId);
    params.put("from_time", from);
    params.put("status", change.to().wire());
    params.put("reason", reason);
    return Sql.update(connection, CHANGE_SERIES.get(change)).mapTo(Booking::of).execute(params)
      .map(Rows::toList)
      .compose(changed -> Future.all(changed.stream().map(booking -> changed(connection, booking, change, caller)).toList())
        .map(changed));
  }

  /** What follows a booking's change of status in its transaction: a cancelled lesson's ledger entry, and the event. */
  private static Future<Void> changed(SqlConnection connection, Booking booking, Transition change, Caller caller) {
    return (change == Transition.CANCEL && booking.packageId() != null
      ? Ledger.record(connection, booking.packageId(), booking.bookingId(), CancellationPolicy.lessonsBack(booking),
        CancellationPolicy.ledgerReason(booking, caller))
      : Future.<Void>succeededFuture())
      .compose(v -> booking.appendEvent(connection, change.to().event()));
  }

  /** The booking after the no-show report, or empty when the compare-and-set matched nothing. */
  Future<Optional<Booking>> reportNoShow(UUID bookingId, Absent absent, Caller caller, int version) {
    Transition report = Transition.noShowOf(absent);
    Map<String, Object> params = report.params(caller);
    params.put("id", bookingId);
    params.put("version", version);
    params.put("absent", absent.wire());
    params.put("status", report.to().wire());
    return Pipelined.withTransaction(pool, connection -> Sql.update(connection, NO_SHOW.get(absent)).mapTo(Booking::of)
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
    return Sql.query(pool, JOINED).mapTo(row -> row.getBoolean("joined"))
      .execute(Map.of("id", bookingId, "user_id", userId))
      .map(rows -> rows.iterator().next());
  }

  /**
   * The moved booking, or empty when the compare-and-set matched nothing. The time is judged and the package's
   * validity read in one round trip; the ledger's entry (no change of lessons) and the event go out together. An
   * occurrence of a series is remembered there as moved on its own, so a change of the series leaves it be.
   */
  Future<Optional<Booking>> move(Booking booking, TimeRange time, Caller caller, int version) {
    Instant start = time.start().toInstant();
    Instant end = time.end().toInstant();
    return Pipelined.withTransaction(pool, connection -> {
      Future<Judged> judged = bookable(connection, booking.studentId(), booking.teacherId(), start, end,
        Set.of(booking.bookingId()));
      Future<Void> valid = packageValidAt(connection, booking, time.start());
      return Future.all(judged, valid)
        .compose(read -> sendMove(connection, booking, time, judged.result().bookable(), caller, version))
        .compose(moved -> moved.map(found -> Future.all(moved(connection, found),
            found.seriesId() != null ? SeriesStore.changedAlone(connection, found.bookingId(), "moved")
              : Future.succeededFuture())
          .map(moved))
          .orElseGet(() -> Future.succeededFuture(moved)));
    });
  }

  /**
   * Sends the compare-and-set of a booking's move to a time {@code bookable} judged: the booking as it is after,
   * or empty when it matched nothing.
   */
  static Future<Optional<Booking>> sendMove(SqlConnection connection, Booking booking, TimeRange time, Bookable bookable,
                                            Caller caller, int version) {
    Map<String, Object> params = Transition.MOVE.params(caller);
    params.put("id", booking.bookingId());
    params.put("version", version);
    params.put("start_time", time.start());
    params.put("end_time", time.end());
    params.put("blocked_until", blockedUntil(bookable, time.end()));
    params.put("slot_id", bookable.slotAt(time.start().toInstant(), time.end().toInstant()).orElse(null));
    params.put("by_student", booking.isStudent(caller));
    params.put("free_until", CancellationPolicy.freeUntil(bookable, time.start()));
    return Sql.update(connection, MOVE).mapTo(Booking::of).execute(params).map(Rows::first);
  }

  /** What follows a booking's move in its transaction: the lesson's ledger entry (no change), and the event. */
  static Future<Void> moved(SqlConnection connection, Booking moved) {
    return Future.all(
        moved.packageId() != null
          ? Ledger.record(connection, moved.packageId(), moved.bookingId(), 0, Ledger.Reason.RESCHEDULED)
          : Future.<Void>succeededFuture(),
        moved.appendEvent(connection, EventType.BOOKING_RESCHEDULED))
      .mapEmpty();
  }

  /** The lesson moves with the booking: its package must still be valid at the new start. */
  static Future<Void> packageValidAt(SqlConnection connection, Booking booking, OffsetDateTime start) {
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

  Future<Void> erase(String userId) {
    return UserRows.erase(pool, userId, "DELETE FROM booking_idempotency_keys WHERE caller_id = #{user_id}");
  }
}
