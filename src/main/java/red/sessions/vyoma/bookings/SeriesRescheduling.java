package red.sessions.vyoma.bookings;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.availability.Bookable;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.events.EventType;
import red.sessions.vyoma.kernel.Ids;
import red.sessions.vyoma.kernel.TimeRange;
import red.sessions.vyoma.packages.Ledger;
import red.sessions.vyoma.platform.Pipelined;
import red.sessions.vyoma.platform.Rows;
import red.sessions.vyoma.platform.Sql;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A series' occurrences moved, from one of its bookings on, to a new weekly time: the series ends before that
 * booking and a new series continues it at the new time, with the same count left, the same {@code until}, or no
 * end. Each occurrence that moves keeps its booking (its notes, files and session follow it), moved as
 * {@code POST /bookings/{id}/reschedule} moves one (the same compare-and-set, {@code previous_times} entry, ledger
 * entry and event), and becomes an occurrence of the new series under the same number from the move on. Every new
 * time is judged by the rule a single move is, against the teacher's calendar and the student's lessons without
 * the lessons being moved. An occurrence that does not move (skipped before, changed on its own, no longer
 * movable, or refused in {@code partial} mode) stays in the old series as it is, and the new series shows that
 * number skipped with why: no booking is made or cancelled by a move.
 */
final class SeriesRescheduling {

  // The series is locked first, as the sweep's claim locks it, then the parties (BookingStore.locked), then the
  // series' bookings: the order every change of a series takes, so two of them wait for each other, never deadlock.
  private static final String LOCK = "SELECT id FROM booking_series WHERE id = #{id} FOR UPDATE";
  private static final String LOCK_BOOKINGS = "SELECT " + Booking.COLUMNS + ", blocked_until FROM bookings"
    + " WHERE series_id = #{id} FOR UPDATE";

  // Compare-and-set on the series' version, read under its lock: the old series ends, naming its continuation.
  private static final String CONTINUED = """
    UPDATE booking_series
       SET status = 'ended', continued_as = #{continued_as}, due_at = NULL, version = version + 1, updated_at = now()
     WHERE id = #{id} AND version = #{version} AND status IN ('pending', 'active')""";
  private static final String LEAVE = """
    DELETE FROM series_occurrences WHERE series_id = #{series_id} AND booking_id = ANY (#{booking_ids})""";
  private static final String JOIN = "UPDATE bookings SET series_id = #{series_id} WHERE id = ANY (#{booking_ids})";

  private static final String KEEPS_ITS_TIME = "its lesson keeps its time in the series this one continues: ";

  private final Pool pool;
  private final SeriesStore series;
  private final BookingStore bookings;

  SeriesRescheduling(Pool pool, SeriesStore series, BookingStore bookings) {
    this.pool = pool;
    this.series = series;
    this.bookings = bookings;
  }

  /** A booking of the series under its lock, with until when it holds the teacher's time (its buffer). */
  private record Held(Booking booking, OffsetDateTime blockedUntil) {
  }

  /** A booking moving to its new time, until when it will hold the teacher's time. */
  private record Move(Held held, int number, TimeRange to, OffsetDateTime blockedUntil) {

    /** Whether this move's new time would meet the other's old one, where the other still is. */
    boolean meets(Held other) {
      return to.start().isBefore(other.blockedUntil()) && other.booking().startTime().isBefore(blockedUntil);
    }
  }

  /** What the move writes: the old series after it, the new one, the moves in the order they are sent. */
  private record Plan(Series before, Series after, Series continued, List<Move> moves, int next, OffsetDateTime dueAt) {
  }

  /**
   * Moves the occurrences of {@code found} (as read before the transaction) from number {@code from} on: the new
   * series, as it is after the move.
   *
   * <p>In three round trips: BEGIN, the locks and the reads (and, when a moving lesson came from a package, its
   * validity at the new time, behind them); judged here; then the series' writes and the moves, whose rows come
   * back (RETURNING) so that their events carry them as the database wrote them and the cancellation policy stays
   * in SQL once (the key recorded with them); then the events and COMMIT. With an idempotency {@code key} (null for
   * none) that a request racing this one has just used for the same move, the series that request made.
   */
  Future<CreatedSeries> reschedule(Series found, int from, SeriesMove move, Caller caller, Map<String, Object> key) {
    ZoneId zone = move.timeZone() != null ? move.timeZone() : ZoneId.of(found.timeZone());
    NewSeries rule = new NewSeries(found.studentId(), found.teacherId(), move.time(), zone, found.intervalWeeks(),
      found.count() == null ? null : found.count() - (from - 1), found.until(), move.mode(), found.packageId());
    if (rule.until() != null && move.time().start().atZoneSameInstant(zone).toLocalDate().isAfter(rule.until())) {
      throw DomainException.invalid("start_time must not be after the series' until date (" + rule.until() + ") in "
        + zone.getId());
    }
    // The lessons that may move, as read before: the calendar and the student's lessons are read without them.
    Set<UUID> moving = found.occurrences().stream()
      .filter(occurrence -> occurrence.number() >= from && occurrence.bookingId() != null
        && (occurrence.number() == from || occurrence.changed() == null))
      .map(Series.Occurrence::bookingId).collect(Collectors.toSet());
    List<TimeRange> times = found.occurrences().stream().filter(occurrence -> occurrence.number() >= from)
      .flatMap(occurrence -> Recurrence.nth(rule, zone, occurrence.number() - from + 1).stream())
      .map(Recurrence.Occurrence::time).toList();
    Instant first = move.time().start().toInstant();
    Instant last = times.stream().map(time -> time.end().toInstant()).max(Instant::compareTo).orElse(first);
    UUID id = found.seriesId();
    return Pipelined.readThenWrite(pool, connection -> {
        Future<Boolean> claimed = key == null ? Future.succeededFuture(true) : bookings.claim(connection, key);
        Future<?> locked = Sql.query(connection, LOCK).execute(Map.of("id", id));
        Future<BookingStore.Judged> judged = BookingStore.locked(connection, found.studentId(), found.teacherId(), first,
          last, moving);
        Future<List<Held>> held = Sql.query(connection, LOCK_BOOKINGS)
          .mapTo(row -> new Held(Booking.of(row), row.getOffsetDateTime("blocked_until")))
          .execute(Map.of("id", id)).map(Rows::toList);
        Future<Optional<Series>> now = SeriesStore.find(connection, id);
        Future<List<TimeRange>> busy = SeriesStore.studentBusy(connection, found.studentId(), first, last, moving);
        // A key already used answers what its request made; what was read for the move is not looked at then.
        return claimed.compose(isNew -> !isNew ? Future.succeededFuture(Optional.<Written>empty())
          : Future.all(List.of(locked, judged, held, now, busy))
            .compose(read -> {
              Map<UUID, Held> bookings = held.result().stream()
                .collect(Collectors.toMap(one -> one.booking().bookingId(), Function.identity()));
              Series before = now.result().orElseThrow();
              return packagesValid(connection, before, from, rule, zone, bookings, moving)
                .map(valid -> plan(before, from, move, rule, zone, moving, bookings, judged.result(), busy.result(),
                  valid, caller));
            })
            .compose(plan -> write(connection, plan, judged.result().bookable(), caller, key))
            .map(Optional::of));
      },
      (connection, written) -> written.isPresent()
        ? announce(connection, written.get()).map(continued -> new SeriesStore.Made(continued, null))
        : BookingStore.replay(connection, key).map(row -> new SeriesStore.Made(null, row.getUUID("series_id"))))
      .compose(made -> made.answer(pool));
  }

  /**
   * Whether each moving lesson that came from a package may still take it at its new time (the package has not
   * expired by then), by booking; read only when such lessons move.
   */
  private static Future<Map<UUID, Boolean>> packagesValid(SqlConnection connection, Series before, int from, NewSeries rule,
                                                          ZoneId zone, Map<UUID, Held> bookings, Set<UUID> moving) {
    Map<UUID, Future<Boolean>> checks = new LinkedHashMap<>();
    for (Series.Occurrence occurrence : before.occurrences()) {
      Held held = occurrence.bookingId() == null ? null : bookings.get(occurrence.bookingId());
      if (occurrence.number() < from || held == null || !moving.contains(occurrence.bookingId())
        || held.booking().packageId() == null) {
        continue;
      }
      Recurrence.nth(rule, zone, occurrence.number() - from + 1).ifPresent(at -> checks.put(occurrence.bookingId(),
        Ledger.validAt(connection, held.booking().packageId(), at.time().start())));
    }
    return Future.all(List.copyOf(checks.values())).map(all -> checks.entrySet().stream()
      .collect(Collectors.toMap(Map.Entry::getKey, check -> check.getValue().result())));
  }

  /**
   * Judges every occurrence from number {@code from} on, under the locks: which move and where to, which stay and
   * why; refused as a whole by the mode when occurrences that could move cannot.
   */
  private Plan plan(Series before, int from, SeriesMove move, NewSeries rule, ZoneId zone, Set<UUID> movable,
                    Map<UUID, Held> bookings, BookingStore.Judged judged, List<TimeRange> busy,
                    Map<UUID, Boolean> packagesValid, Caller caller) {
    if (before.status() != SeriesStatus.PENDING && before.status() != SeriesStatus.ACTIVE) {
      throw DomainException.conflict("a " + before.status().wire() + " series cannot be rescheduled");
    }
    Instant now = judged.now().toInstant();
    Held named = bookings.get(move.fromBookingId());
    List<Series.Occurrence> following = before.occurrences().stream().filter(occurrence -> occurrence.number() >= from)
      .toList();
    boolean stillThere = named != null && !following.isEmpty() && move.fromBookingId().equals(following.get(0).bookingId());
    // A lesson that could move now and was not read as one (the series changed since it was read) was judged
    // against a calendar that still holds it: asked again, it is read as one.
    boolean sameLessons = following.stream().filter(occurrence -> occurrence.bookingId() != null
        && (occurrence.number() == from || occurrence.changed() == null))
      .allMatch(occurrence -> movable.contains(occurrence.bookingId()));
    if (!stillThere || !sameLessons) {
      throw DomainException.conflict("the series changed at the same moment; read it again");
    }
    Transition.MOVE.refusal(named.booking(), caller, now).ifPresent(refusal -> {
      throw refusal;
    });
    Bookable bookable = judged.bookable();

    List<Move> moves = new ArrayList<>();
    Map<Integer, String> stays = new HashMap<>();
    List<Held> staying = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (Series.Occurrence occurrence : following) {
      int number = occurrence.number();
      Optional<Recurrence.Occurrence> at = Recurrence.nth(rule, zone, number - from + 1);
      Held held = occurrence.bookingId() == null ? null : bookings.get(occurrence.bookingId());
      String keeps = held == null ? "skipped before the series moved"
        + (occurrence.skipReason() == null ? "" : ": " + occurrence.skipReason())
        : number != from && occurrence.changed() != null
        ? "its lesson was " + occurrence.changed() + " on its own, so it keeps its time in the series this one continues"
        : Transition.MOVE.conflict(held.booking(), now).map(refusal -> KEEPS_ITS_TIME + refusal.getMessage()).orElse(null);
      if (keeps != null) {
        stays.put(number, keeps);
        continue;
      }
      Optional<String> broken = at.isEmpty()
        ? Optional.of("its new time falls after the series' until date (" + rule.until() + ")")
        : Optional.ofNullable(at.get().skipped())
          .or(() -> bookable.refusal(at.get().time().start().toInstant(), at.get().time().end().toInstant(), now))
          .or(() -> SeriesStore.overlapsAny(at.get().time(), busy) ? Optional.of(BookingsVerticle.STUDENT_BUSY)
            : Optional.empty())
          .or(() -> Boolean.FALSE.equals(packagesValid.get(held.booking().bookingId()))
            ? Optional.of("the booking's package expires before the new time") : Optional.empty());
      if (broken.isPresent()) {
        refuse(number, held, at.map(o -> o.time().start()).orElse(held.booking().startTime()), broken.get(), stays,
          staying, refused);
      } else {
        TimeRange to = at.get().time();
        moves.add(new Move(held, number, to, BookingStore.blockedUntil(bookable, to.end())));
      }
    }
    // A lesson that stays was left out of the calendar the others were judged by: a new time meeting it cannot be
    // had either, and a lesson that stays for that may stand in another's way in turn.
    for (boolean more = true; more; ) {
      more = false;
      for (Move moving : List.copyOf(moves)) {
        Optional<Held> inTheWay = staying.stream().filter(moving::meets).findFirst();
        if (inTheWay.isPresent()) {
          moves.remove(moving);
          refuse(moving.number(), moving.held(), moving.to().start(), "the teacher already has a booking at that time",
            stays, staying, refused);
          more = true;
        }
      }
    }
    if (!refused.isEmpty() && (rule.mode() == NewSeries.Mode.ALL_OR_NOTHING || moves.isEmpty())) {
      throw DomainException.conflict((moves.isEmpty() ? "none of the series' occurrences can move: "
        : refused.size() + " of the series' occurrences cannot move, so none does: ") + String.join("; ", refused));
    }

    OffsetDateTime at = judged.now();
    UUID continuedId = Ids.timeOrdered();
    boolean byStudent = named.booking().isStudent(caller);
    SeriesStatus status = before.status() == SeriesStatus.ACTIVE && !byStudent ? SeriesStatus.ACTIVE : SeriesStatus.PENDING;
    Map<Integer, Move> byNumber = moves.stream().collect(Collectors.toMap(Move::number, Function.identity()));
    List<Series.Occurrence> occurrences = following.stream().map(occurrence -> {
      int number = occurrence.number() - from + 1;
      Move moving = byNumber.get(occurrence.number());
      if (moving != null) {
        return new Series.Occurrence(number, moving.to().start(), moving.to().end(), moving.held().booking().bookingId(),
          null, null, null);
      }
      TimeRange time = Recurrence.nth(rule, zone, number).map(Recurrence.Occurrence::time)
        .orElse(new TimeRange(occurrence.startTime(), occurrence.endTime()));
      return new Series.Occurrence(number, time.start(), time.end(), null, stays.get(occurrence.number()), null, null);
    }).toList();
    Series continued = new Series(continuedId, before.studentId(), before.teacherId(), move.time().start(), move.time().end(),
      zone.getId(), before.intervalWeeks(), rule.count(), rule.until(), before.packageId(), status, 1, at, at,
      before.seriesId(), null, occurrences);
    Set<UUID> moved = byNumber.values().stream().map(moving -> moving.held().booking().bookingId()).collect(Collectors.toSet());
    Series after = new Series(before.seriesId(), before.studentId(), before.teacherId(), before.startTime(),
      before.endTime(), before.timeZone(), before.intervalWeeks(), before.count(), before.until(), before.packageId(),
      SeriesStatus.ENDED, before.version() + 1, before.createdAt(), at, before.continues(), continuedId,
      before.occurrences().stream().filter(occurrence -> !moved.contains(occurrence.bookingId())).toList());
    int next = following.size() + 1;
    OffsetDateTime dueAt = Recurrence.nth(rule, zone, next)
      .map(occurrence -> occurrence.time().start().minus(series.window(bookable))).orElse(null);
    return new Plan(before, after, continued, inOrder(moves), next, dueAt);
  }

  /** Records an occurrence that cannot move, and why: it keeps its time (and, when it holds time, stands in the way). */
  private static void refuse(int number, Held held, OffsetDateTime newStart, String rule,
                             Map<Integer, String> stays, List<Held> staying, List<String> refused) {
    stays.put(number, KEEPS_ITS_TIME + rule);
    staying.add(held);
    refused.add("occurrence " + number + " (" + newStart.toInstant() + "): " + rule);
  }

  /**
   * The moves in an order in which none meets, on its way, a lesson of the others still at its old time: the
   * exclusion constraints are checked at each row's update, not at COMMIT, so moving lesson <i>k</i> one hour later
   * onto lesson <i>k + 1</i>'s old hour must wait until that one has left. Each move waits for the old times its new
   * time meets (a lesson's new time never meets its own old one in the way: it leaves it as it arrives); the final
   * times were judged not to meet each other nor anything else, so every update in this order holds times the
   * others have left or never held. Moves all in one direction (a later hour, another weekday) never wait on each
   * other in a circle; times that would swap places are refused, and the constraints still guard whatever is sent.
   */
  private static List<Move> inOrder(List<Move> moves) {
    List<Move> waiting = new ArrayList<>(moves);
    List<Move> ordered = new ArrayList<>();
    while (!waiting.isEmpty()) {
      Optional<Move> free = waiting.stream().filter(moving -> waiting.stream()
        .noneMatch(other -> other != moving && moving.meets(other.held()))).findFirst();
      if (free.isEmpty()) {
        throw DomainException.conflict("the occurrences' new times take each other's old times; move them in two steps");
      }
      ordered.add(free.get());
      waiting.remove(free.get());
    }
    return ordered;
  }

  /** The series' moves as sent, and the bookings as they moved. */
  private record Written(Plan plan, List<Booking> moved) {
  }

  /**
   * Sends the writes: the new series (before the old one names it), the old one ended, the moving bookings out of
   * its occurrences and into the new series, each move (in order), the new series' occurrences and the key.
   */
  private static Future<Written> write(SqlConnection connection, Plan plan, Bookable bookable, Caller caller,
                                       Map<String, Object> key) {
    UUID continuedId = plan.continued().seriesId();
    UUID[] moving = plan.moves().stream().map(move -> move.held().booking().bookingId()).toArray(UUID[]::new);
    Future<?> inserted = SeriesStore.insert(connection, plan.continued(), plan.next(), plan.dueAt());
    Future<Boolean> ended = Sql.update(connection, CONTINUED)
      .execute(Map.of("id", plan.before().seriesId(), "version", plan.before().version(), "continued_as", continuedId))
      .map(changed -> changed.rowCount() == 1);
    Future<?> left = Sql.update(connection, LEAVE)
      .execute(Map.of("series_id", plan.before().seriesId(), "booking_ids", moving));
    Future<?> joined = Sql.update(connection, JOIN).execute(Map.of("series_id", continuedId, "booking_ids", moving));
    List<Future<Optional<Booking>>> moves = plan.moves().stream().map(move -> BookingStore.sendMove(connection,
      move.held().booking(), move.to(), bookable, caller, move.held().booking().version())).toList();
    Future<?> occurrences = SeriesStore.insertOccurrences(connection, continuedId, plan.continued().occurrences());
    Future<?> keyed = BookingStore.recordKey(connection, key, null, continuedId);
    List<Future<?>> all = new ArrayList<>(List.of(inserted, ended, left, joined, occurrences, keyed));
    all.addAll(moves);
    return Future.all(all).map(done -> {
      // Under the locks, neither compare-and-set can miss; if one did, nothing is written.
      if (!ended.result() || moves.stream().anyMatch(moved -> moved.result().isEmpty())) {
        throw DomainException.conflict("the series changed at the same moment; read it again");
      }
      return new Written(plan, moves.stream().map(moved -> moved.result().orElseThrow()).toList());
    });
  }

  /**
   * Sends each moved booking's ledger entry and {@code booking.rescheduled}, then {@code series.rescheduled} for the
   * old series and for the new one: the new series, with its bookings' statuses after the move.
   */
  private static Future<Series> announce(SqlConnection connection, Written written) {
    Map<UUID, BookingStatus> statuses = written.moved().stream()
      .collect(Collectors.toMap(Booking::bookingId, Booking::status));
    Series made = written.plan().continued();
    Series continued = new Series(made.seriesId(), made.studentId(), made.teacherId(), made.startTime(), made.endTime(),
      made.timeZone(), made.intervalWeeks(), made.count(), made.until(), made.packageId(), made.status(), made.version(),
      made.createdAt(), made.updatedAt(), made.continues(), made.continuedAs(), made.occurrences().stream()
      .map(occurrence -> new Series.Occurrence(occurrence.number(), occurrence.startTime(), occurrence.endTime(),
        occurrence.bookingId(), occurrence.skipReason(), statuses.get(occurrence.bookingId()), null))
      .toList());
    List<Future<?>> events = new ArrayList<>();
    written.moved().forEach(booking -> events.add(BookingStore.moved(connection, booking)));
    events.add(written.plan().after().appendEvent(connection, EventType.SERIES_RESCHEDULED));
    events.add(continued.appendEvent(connection, EventType.SERIES_RESCHEDULED));
    return Future.all(events).map(continued);
  }
}
