package red.sessions.vyoma.bookings;

import red.sessions.vyoma.kernel.Keyset;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.availability.Bookable;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.events.EventType;
import red.sessions.vyoma.kernel.Ids;
import red.sessions.vyoma.kernel.Page;
import red.sessions.vyoma.kernel.TimeRange;
import red.sessions.vyoma.packages.Ledger;
import red.sessions.vyoma.packages.Package;
import red.sessions.vyoma.platform.Pipelined;
import red.sessions.vyoma.platform.Rows;
import red.sessions.vyoma.platform.Sql;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The series SQL. A series is made as a booking is (BookingStore.create), in the same two round trips and with
 * its pieces: the parties locked, the teacher's calendar read once over the whole series, every occurrence judged
 * by the same rule ({@link Bookable}) and by the student's own bookings, then the series, every occurrence's
 * booking (with its ledger entry and events), the occurrences and the series' event written together. The
 * bookings' exclusion constraints still guard every occurrence, whatever reached the insert.
 */
final class SeriesStore {

  /** Series with the occurrences judged so far, each booked one with its booking's status now. */
  private static final String SELECT = "SELECT " + Series.COLUMNS + """
    ,
           COALESCE((SELECT jsonb_agg(jsonb_build_object('occurrence', o.occurrence, 'start_time', o.start_time,
                                                         'end_time', o.end_time, 'booking_id', o.booking_id,
                                                         'skip_reason', o.skip_reason, 'booking_status', b.status,
                                                         'changed', o.changed)
                                      ORDER BY o.occurrence)
                       FROM series_occurrences o LEFT JOIN bookings b ON b.id = o.booking_id
                      WHERE o.series_id = s.id), '[]'::jsonb) AS occurrences
      FROM booking_series s""";

  private static final String FIND = SELECT + " WHERE s.id = #{id}";

  private static final String OF_USER = SELECT + """

     WHERE (s.student_id = #{user_id} OR s.teacher_id = #{user_id}) AND (#{after}::uuid IS NULL OR s.id > #{after})
     ORDER BY s.id
     LIMIT #{limit}""";

  private static final String LIST = SELECT + """

     WHERE (#{student_id}::text IS NULL OR s.student_id = #{student_id})
       AND (#{teacher_id}::text IS NULL OR s.teacher_id = #{teacher_id})
     ORDER BY s.created_at, s.id
     LIMIT #{limit} OFFSET #{offset}""";

  // The student's lessons that hold time, by the predicate (and the GiST index) of bookings_student_no_overlap:
  // an occurrence the student is already busy at is judged here, so that a partial series skips it instead of the
  // constraint refusing the whole transaction. Without the lessons being moved (none, for a new series).
  private static final String STUDENT_BUSY = """
    SELECT start_time, end_time FROM bookings
     WHERE student_id = #{student_id} AND status IN ('pending', 'confirmed')
       AND tstzrange(start_time, end_time) && tstzrange(#{from}, #{to}) AND NOT (id = ANY (#{excluding}))""";

  private static final String INSERT = """
    INSERT INTO booking_series (id, student_id, teacher_id, start_time, end_time, time_zone, interval_weeks,
                                occurrence_count, until_date, package_id, status, version, created_at, updated_at,
                                next_occurrence, due_at, continues)
    VALUES (#{id}, #{student_id}, #{teacher_id}, #{start_time}, #{end_time}, #{time_zone}, #{interval_weeks},
            #{count}, #{until}, #{package_id}, #{status}, #{version}, #{created_at}, #{updated_at},
            #{next_occurrence}, #{due_at}, #{continues})""";

  private static final String INSERT_OCCURRENCE = """
    INSERT INTO series_occurrences (series_id, occurrence, start_time, end_time, booking_id, skip_reason)
    VALUES (#{series_id}, #{occurrence}, #{start_time}, #{end_time}, #{booking_id}, #{skip_reason})""";

  // Compare-and-set on the series' status, by a caller the change allows (the teacher confirms; either party
  // cancels), so of two changes racing only one changes its occurrences.
  private static final String CONFIRM = """
    UPDATE booking_series SET status = 'active', version = version + 1, updated_at = now()
     WHERE id = #{id} AND status = 'pending' AND (#{admin} OR teacher_id = #{caller})""";
  private static final String CANCEL = """
    UPDATE booking_series SET status = #{status}, due_at = NULL, version = version + 1, updated_at = now()
     WHERE id = #{id} AND status IN ('pending', 'active')
       AND (#{admin} OR student_id = #{caller} OR teacher_id = #{caller})""";

  // The series whose next occurrence may have come inside the booking window, soonest first.
  private static final String DUE = """
    SELECT id FROM booking_series WHERE due_at <= now() ORDER BY due_at LIMIT #{batch}""";

  // Claims a due series for its materialisation: one node at a time (the advisory lock, its key the same on every
  // node), without waiting for a request changing the series (SKIP LOCKED: it is looked at again next round). The
  // row stays locked to the commit, so each occurrence is judged once (and series_occurrences' key says so too).
  private static final String CLAIM = """
    WITH sweeper AS MATERIALIZED (SELECT pg_try_advisory_xact_lock(5820393145719826241) AS alone)
    SELECT next_occurrence FROM booking_series
     WHERE id = #{id} AND due_at <= now() AND (SELECT alone FROM sweeper)
       FOR UPDATE SKIP LOCKED""";

  private static final String ADVANCE = """
    UPDATE booking_series
       SET next_occurrence = #{next_occurrence}, due_at = #{due_at},
           version = version + CASE WHEN #{judged} THEN 1 ELSE 0 END,
           updated_at = CASE WHEN #{judged} THEN now() ELSE updated_at END
     WHERE id = #{id}""";

  // An occurrence's booking moved or cancelled on its own (BookingStore.move, changeStatus).
  private static final String CHANGED_ALONE = """
    UPDATE series_occurrences SET changed = #{changed} WHERE booking_id = #{booking_id}""";

  private static final Logger LOG = LoggerFactory.getLogger(SeriesStore.class);

  private final Pool pool;
  private final BookingStore bookings;
  private final int horizonWeeks;

  /**
   * @param horizonWeeks how far ahead occurrences are booked when the teacher has no booking window
   */
  SeriesStore(Pool pool, BookingStore bookings, int horizonWeeks) {
    this.pool = pool;
    this.bookings = bookings;
    this.horizonWeeks = horizonWeeks;
  }

  Future<List<Series>> ofUser(String userId, UUID after, int limit) {
    return Sql.query(pool, OF_USER).mapTo(Series::of).execute(Keyset.params(userId, after, limit))
      .map(Rows::toList);
  }

  Future<List<Series>> list(String studentId, String teacherId, Page page) {
    Map<String, Object> params = page.params();
    params.put("student_id", studentId);
    params.put("teacher_id", teacherId);
    return Sql.query(pool, LIST).mapTo(Series::of).execute(params).map(Rows::toList);
  }

  Future<Optional<Series>> find(UUID id) {
    return find(pool, id);
  }

  static Future<Optional<Series>> find(SqlClient client, UUID id) {
    return Sql.query(client, FIND).mapTo(Series::of).execute(Map.of("id", id)).map(Rows::first);
  }

  /**
   * Makes the series and books its occurrences up to the teacher's booking window (or the horizon, without one),
   * or answers the series an earlier request with the same idempotency key made.
   */
  Future<CreatedSeries> create(NewSeries series, String callerId, String idempotencyKey) {
    Map<String, Object> key = BookingStore.key(callerId, idempotencyKey, series.fingerprint());
    return Pipelined.readThenWrite(pool,
        connection -> plan(connection, series, key),
        (connection, plan) -> plan.isEmpty()
          ? BookingStore.replay(connection, key).map(row -> new Made(null, row.getUUID("series_id")))
          : write(connection, plan.get(), key).map(made -> new Made(made, null)))
      .compose(made -> made.answer(pool));
  }

  /** The series a request made (a new one or a move), or the id of the one its key's first request made. */
  record Made(Series series, UUID replayed) {

    /** The answer: a replay's series is read once the transaction is over, since nothing may follow its COMMIT. */
    Future<CreatedSeries> answer(Pool pool) {
      return series != null ? Future.succeededFuture(new CreatedSeries(series, false))
        : find(pool, replayed).map(found -> new CreatedSeries(found.orElseThrow(), true));
    }
  }

  /** What a new series writes: the series as made, the bookings of the occurrences booked and all occurrences. */
  private record Planned(Series series, Judgement judgement) {
  }

  private Future<Optional<Planned>> plan(SqlConnection connection, NewSeries series, Map<String, Object> key) {
    Future<Boolean> claimed = key == null ? Future.succeededFuture(true) : bookings.claim(connection, key);
    Instant now = Instant.now();
    Future<Read> read = read(connection, series, series.first().start().toInstant(), now);
    return claimed.compose(isNew -> isNew
      ? read.map(calendar -> Optional.of(planned(series, calendar, now)))
      : Future.succeededFuture(Optional.empty()));
  }

  /** What a series' occurrences are judged by, read with the parties' locks. */
  private record Read(BookingStore.Judged judged, List<TimeRange> busy, List<Package> lessons) {
  }

  /**
   * Locks the parties and reads, from {@code from} on, the teacher's calendar, the student's bookings and the
   * packages the lessons may come from, all at once: the calendar as far as the series or any booking window can
   * reach, once for all of its occurrences.
   */
  private Future<Read> read(SqlConnection connection, NewSeries series, Instant from, Instant now) {
    Instant farthest = now.plus(Duration.ofDays(Math.max(730, 7L * horizonWeeks)));
    Instant to = Recurrence.reach(series, farthest);
    Future<BookingStore.Judged> judged = BookingStore.locked(connection, series.studentId(), series.teacherId(), from, to, Set.of());
    Future<List<TimeRange>> busy = studentBusy(connection, series.studentId(), from, to, Set.of());
    Future<List<Package>> lessons = Ledger.usableFrom(connection, series.studentId(), series.teacherId(),
      series.packageId(), from.atOffset(ZoneOffset.UTC));
    return Future.all(judged, busy, lessons).map(all -> new Read(judged.result(), busy.result(), lessons.result()));
  }

  /** The student's lessons that hold time between {@code from} and {@code to}, but those {@code excluding}. */
  static Future<List<TimeRange>> studentBusy(SqlConnection connection, String studentId, Instant from, Instant to,
                                             Set<UUID> excluding) {
    Map<String, Object> span = new HashMap<>();
    span.put("student_id", studentId);
    span.put("from", from.atOffset(ZoneOffset.UTC));
    span.put("to", to.atOffset(ZoneOffset.UTC));
    span.put("excluding", excluding.toArray(UUID[]::new));
    return Sql.query(connection, STUDENT_BUSY)
      .mapTo(row -> new TimeRange(row.getOffsetDateTime("start_time"), row.getOffsetDateTime("end_time")))
      .execute(span).map(Rows::toList);
  }

  /** Whether the time overlaps one of the student's lessons. */
  static boolean overlapsAny(TimeRange time, List<TimeRange> busy) {
    Instant start = time.start().toInstant();
    Instant end = time.end().toInstant();
    return busy.stream().anyMatch(other -> other.start().toInstant().isBefore(end) && start.isBefore(other.end().toInstant()));
  }

  /** How far ahead the teacher's occurrences are booked: their booking window, or the horizon without one. */
  Duration window(Bookable bookable) {
    Integer days = bookable.schedule().rules().maxDaysAhead();
    return days != null ? Duration.ofDays(days) : Duration.ofDays(7L * horizonWeeks);
  }

  /** An occurrence refused, and by which rule. */
  private record Refused(Recurrence.Occurrence occurrence, String rule) {
    String words() {
      return "occurrence " + occurrence.number() + " (" + occurrence.time().start().toInstant() + "): " + rule;
    }
  }

  /**
   * The occurrences judged in one go, in order: the bookings to write, every occurrence as judged (booked or
   * skipped), those refused by a rule, and the next one to judge with when it is due (null when none is left).
   */
  private record Judgement(List<BookingStore.Planned> bookings, List<Series.Occurrence> occurrences,
                           List<Refused> refused, int next, OffsetDateTime dueAt) {
  }

  /**
   * Judges the series' occurrences from number {@code from} on that start inside the teacher's booking window (or
   * the horizon, without one), each as a booking of its own would be: by the teacher's calendar, the student's
   * bookings and the packages, in order; those it books are made in the status given. {@code first}: the first
   * of them is judged even beyond the window, so that a series too far ahead is refused by that rule.
   */
  private Judgement judge(NewSeries rule, ZoneId zone, int from, boolean first, UUID seriesId, BookingStatus bookedAs,
                          Read read, Instant now) {
    BookingStore.Judged judged = read.judged();
    List<TimeRange> busy = read.busy();
    Bookable bookable = judged.bookable();
    Duration window = window(bookable);
    Instant firstStart = rule.first().start().toInstant();
    Instant horizon = now.plus(window);
    Recurrence.Due due = Recurrence.due(rule, zone, from, first && horizon.isBefore(firstStart) ? firstStart : horizon);
    boolean fromPackage = BookingStore.fromPackage(bookable, rule.packageId());
    List<Package> lessons = new ArrayList<>(read.lessons());

    List<BookingStore.Planned> booked = new ArrayList<>();
    List<Series.Occurrence> occurrences = new ArrayList<>();
    List<Refused> refused = new ArrayList<>();
    for (Recurrence.Occurrence occurrence : due.occurrences()) {
      TimeRange time = occurrence.time();
      if (occurrence.skipped() != null) {
        occurrences.add(skipped(occurrence, occurrence.skipped()));
        continue;
      }
      Optional<String> broken = bookable.refusal(time.start().toInstant(), time.end().toInstant(), now)
        .or(() -> overlapsAny(time, busy) ? Optional.of(BookingsVerticle.STUDENT_BUSY) : Optional.empty());
      int lesson = fromPackage ? firstUsable(lessons, time.start()) : -1;
      if (broken.isEmpty() && fromPackage && lesson < 0) {
        broken = Optional.of(Ledger.NO_LESSONS_LEFT.getMessage());
      }
      if (broken.isPresent()) {
        refused.add(new Refused(occurrence, broken.get()));
        occurrences.add(skipped(occurrence, broken.get()));
        continue;
      }
      Optional<Package> taken = lesson < 0 ? Optional.empty() : Optional.of(lessons.get(lesson));
      BookingStore.Planned planned = BookingStore.Planned.of(rule.occurrence(time), judged, taken, seriesId, bookedAs);
      taken.ifPresent(used -> lessons.set(lesson, used.afterUse(planned.booking().bookingId(), judged.now())));
      booked.add(planned);
      occurrences.add(new Series.Occurrence(occurrence.number(), time.start(), time.end(), planned.booking().bookingId(),
        null, bookedAs, null));
    }
    int next = due.next().map(Recurrence.Occurrence::number).orElse(from + due.occurrences().size());
    OffsetDateTime dueAt = due.next().map(occurrence -> occurrence.time().start().minus(window)).orElse(null);
    return new Judgement(booked, occurrences, refused, next, dueAt);
  }

  /** A new series as judged, refused as a whole by its mode when occurrences are refused. */
  private Planned planned(NewSeries series, Read read, Instant now) {
    BookingStore.Judged judged = read.judged();
    ZoneId zone = series.timeZone() != null ? series.timeZone() : judged.bookable().schedule().timeZone();
    UUID seriesId = Ids.timeOrdered();
    Judgement judgement = judge(series, zone, 1, true, seriesId, BookingStatus.PENDING, read, now);
    List<Refused> refused = judgement.refused();
    if (!refused.isEmpty() && (series.mode() == NewSeries.Mode.ALL_OR_NOTHING || judgement.bookings().isEmpty())) {
      throw DomainException.conflict((judgement.bookings().isEmpty() ? "none of the series' occurrences can be booked: "
        : refused.size() + " of the series' occurrences cannot be booked, so none is: ")
        + refused.stream().map(Refused::words).collect(Collectors.joining("; ")));
    }
    OffsetDateTime at = judged.now();
    Series made = new Series(seriesId, series.studentId(), series.teacherId(), series.first().start(), series.first().end(),
      zone.getId(), series.intervalWeeks(), series.count(), series.until(), series.packageId(), SeriesStatus.PENDING, 1,
      at, at, null, null, judgement.occurrences());
    return new Planned(made, judgement);
  }

  private static Series.Occurrence skipped(Recurrence.Occurrence occurrence, String reason) {
    return new Series.Occurrence(occurrence.number(), occurrence.time().start(), occurrence.time().end(), null, reason, null,
      null);
  }

  /** The first package (in the order lessons are taken) with a lesson left and valid at {@code start}; -1 for none. */
  private static int firstUsable(List<Package> lessons, OffsetDateTime start) {
    for (int i = 0; i < lessons.size(); i++) {
      Package lesson = lessons.get(i);
      if (lesson.remaining() > 0 && (lesson.expiresAt() == null || lesson.expiresAt().isAfter(start))) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Sends every write of the series at once: the series, each booking (its ledger entry and events), the
   * occurrences, the key, and the series' event last.
   */
  private static Future<Series> write(SqlConnection connection, Planned planned, Map<String, Object> key) {
    Series series = planned.series();
    List<Future<?>> writes = new ArrayList<>();
    writes.add(insert(connection, series, planned.judgement().next(), planned.judgement().dueAt()));
    writes.add(writeOccurrences(connection, series.seriesId(), planned.judgement()));
    writes.add(BookingStore.recordKey(connection, key, null, series.seriesId()));
    writes.add(series.appendEvent(connection, EventType.SERIES_CREATED));
    return Future.all(writes).map(series);
  }

  /** Sends the insert of a series, to go on judging from occurrence {@code next} once {@code dueAt} comes. */
  static Future<?> insert(SqlConnection connection, Series series, int next, OffsetDateTime dueAt) {
    Map<String, Object> params = new HashMap<>();
    params.put("id", series.seriesId());
    params.put("student_id", series.studentId());
    params.put("teacher_id", series.teacherId());
    params.put("start_time", series.startTime());
    params.put("end_time", series.endTime());
    params.put("time_zone", series.timeZone());
    params.put("interval_weeks", series.intervalWeeks());
    params.put("count", series.count());
    params.put("until", series.until());
    params.put("package_id", series.packageId());
    params.put("status", series.status().wire());
    params.put("version", series.version());
    params.put("created_at", series.createdAt());
    params.put("updated_at", series.updatedAt());
    params.put("next_occurrence", next);
    params.put("due_at", dueAt);
    params.put("continues", series.continues());
    return Sql.update(connection, INSERT).execute(params);
  }

  /** Sends the bookings of the occurrences judged (each with its ledger entry and events), then the occurrences. */
  private static Future<?> writeOccurrences(SqlConnection connection, UUID seriesId, Judgement judgement) {
    List<Future<?>> writes = new ArrayList<>();
    judgement.bookings().forEach(booking -> writes.add(BookingStore.write(connection, booking, null)));
    writes.add(insertOccurrences(connection, seriesId, judgement.occurrences()));
    return Future.all(writes);
  }

  /** Sends the inserts of the series' occurrences judged. */
  static Future<?> insertOccurrences(SqlConnection connection, UUID seriesId, List<Series.Occurrence> occurrences) {
    return occurrences.isEmpty() ? Future.succeededFuture()
      : Sql.update(connection, INSERT_OCCURRENCE).executeBatch(occurrences.stream()
        .map(occurrence -> occurrenceParams(seriesId, occurrence)).toList());
  }

  /**
   * Remembers, in the caller's transaction, that the occurrence booked as {@code bookingId} was changed on its own
   * ({@code moved}, {@code cancelled}): a move of the series' following occurrences leaves it as it is.
   */
  static Future<Void> changedAlone(SqlConnection connection, UUID bookingId, String changed) {
    return Sql.update(connection, CHANGED_ALONE).execute(Map.of("booking_id", bookingId, "changed", changed))
      .mapEmpty();
  }

  private static Map<String, Object> occurrenceParams(UUID seriesId, Series.Occurrence occurrence) {
    Map<String, Object> params = new HashMap<>();
    params.put("series_id", seriesId);
    params.put("occurrence", occurrence.number());
    params.put("start_time", occurrence.startTime());
    params.put("end_time", occurrence.endTime());
    params.put("booking_id", occurrence.bookingId());
    params.put("skip_reason", occurrence.skipReason());
    return params;
  }

  /**
   * Materialises the series that are due, one after another, each in a transaction of its own: a batch of the
   * sweep ({@code Sweep.Batch}). Answers how many it claimed; a series it could not claim (another node's, or
   * locked by a request) stays due for the next round.
   */
  Future<Integer> materializeDue(int batch) {
    return Sql.query(pool, DUE).mapTo(row -> row.getUUID("id")).execute(Map.of("batch", batch))
      .compose(due -> {
        Future<Integer> claimed = Future.succeededFuture(0);
        for (UUID id : due) {
          claimed = claimed.compose(sofar -> materialize(id).map(one -> sofar + one)
            .recover(e -> {
              LOG.warn("Could not materialise series {} (next round tries again): {}", id, e.toString());
              return Future.succeededFuture(sofar);
            }));
        }
        return claimed;
      });
  }

  /** A due series claimed, as it is, and its occurrences judged from the next one on. */
  private record Materialized(Series series, Judgement judgement) {
  }

  /**
   * Books the occurrences of the series that have come inside the window, by the same rule as when it was made,
   * skipping (with the reason and an event) those it cannot book; those of a confirmed series are confirmed.
   * Answers 1 when it claimed the series, 0 when it did not.
   */
  Future<Integer> materialize(UUID id) {
    Instant now = Instant.now();
    return Pipelined.readThenWrite(pool, connection -> {
        Future<Optional<Integer>> claimed = Sql.query(connection, CLAIM).mapTo(row -> row.getInteger("next_occurrence"))
          .execute(Map.of("id", id)).map(Rows::first);
        Future<Optional<Series>> found = find(connection, id);
        return Future.all(claimed, found).compose(both -> claimed.result().isEmpty()
          ? Future.succeededFuture(Optional.<Materialized>empty())
          : materialized(connection, found.result().orElseThrow(), claimed.result().get(), now).map(Optional::of));
      },
      (connection, claimed) -> claimed.map(materialized -> advance(connection, materialized).map(1))
        .orElseGet(() -> Future.succeededFuture(0)));
  }

  private Future<Materialized> materialized(SqlConnection connection, Series series, int next, Instant now) {
    NewSeries rule = series.rule();
    BookingStatus bookedAs = series.status() == SeriesStatus.ACTIVE ? BookingStatus.CONFIRMED : BookingStatus.PENDING;
    return read(connection, rule, now, now).map(read -> new Materialized(series,
      judge(rule, rule.timeZone(), next, false, series.seriesId(), bookedAs, read, now)));
  }

  /** Sends the materialised occurrences' writes, where the series goes on from, and an event per skipped occurrence. */
  private static Future<?> advance(SqlConnection connection, Materialized materialized) {
    Judgement judgement = materialized.judgement();
    UUID id = materialized.series().seriesId();
    Map<String, Object> params = new HashMap<>();
    params.put("id", id);
    params.put("next_occurrence", judgement.next());
    params.put("due_at", judgement.dueAt());
    params.put("judged", !judgement.occurrences().isEmpty());
    List<Future<?>> writes = new ArrayList<>();
    writes.add(writeOccurrences(connection, id, judgement));
    writes.add(Sql.update(connection, ADVANCE).execute(params));
    Series after = materialized.series().with(judgement.occurrences());
    judgement.occurrences().stream().filter(occurrence -> occurrence.bookingId() == null)
      .forEach(skipped -> writes.add(after.appendSkipped(connection, skipped.number())));
    return Future.all(writes);
  }

  /**
   * The teacher (or an admin) confirms the series and every pending occurrence of it, each with its event, then the
   * series' event; empty when the compare-and-set matched nothing.
   */
  Future<Optional<Series>> confirm(UUID id, Caller caller) {
    return change(id, CONFIRM, Map.of(), caller, Transition.CONFIRM, null, null, EventType.SERIES_CONFIRMED);
  }

  /**
   * Either party (or an admin) ends the series and cancels its occurrences from {@code from} on (all of them for
   * null) that have not started, each under the cancellation policy with its ledger entry and events, then the
   * series' event; empty when the compare-and-set matched nothing.
   */
  Future<Optional<Series>> cancel(UUID id, SeriesStatus to, OffsetDateTime from, String reason, Caller caller) {
    return change(id, CANCEL, Map.of("status", to.wire()), caller, Transition.CANCEL, from, reason,
      EventType.SERIES_CANCELLED);
  }

  private Future<Optional<Series>> change(UUID id, String sql, Map<String, Object> extra, Caller caller,
                                          Transition occurrences, OffsetDateTime from, String reason, EventType event) {
    Map<String, Object> params = new HashMap<>(extra);
    params.put("id", id);
    params.put("admin", caller.admin());
    params.put("caller", caller.userId());
    return Pipelined.withTransaction(pool, connection -> Sql.update(connection, sql).execute(params)
      .compose(changed -> changed.rowCount() == 0 ? Future.succeededFuture(Optional.<Series>empty())
        : BookingStore.changeSeries(connection, id, occurrences, from, reason, caller)
          .compose(bookings -> find(connection, id))
          .compose(found -> found.orElseThrow().appendEvent(connection, event).map(found))));
  }
}
