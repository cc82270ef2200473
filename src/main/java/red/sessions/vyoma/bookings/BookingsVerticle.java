package red.sessions.vyoma.bookings;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.auth.Parties;
import red.sessions.vyoma.bus.DomainCounter;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.bus.DomainVerticle;
import red.sessions.vyoma.kernel.Page;
import red.sessions.vyoma.kernel.TimeRange;
import red.sessions.vyoma.packages.Ledger;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Bookings: a student books time the teacher's calendar makes bookable; the teacher confirms; either party
 * moves, cancels or (once it has started) completes it. Bookings are seen only by their two parties and admins.
 */
public final class BookingsVerticle extends DomainVerticle<BookingService> implements BookingService {

  private static final DomainCounter CREATED = new DomainCounter("vyoma.bookings.made",
    "Bookings created (a replayed idempotent request is not a new booking)");
  private static final DomainCounter CANCELLED = new DomainCounter("vyoma.bookings.cancelled",
    "Bookings cancelled by either party");

  static final String STUDENT_BUSY = "the student already has a booking at that time";

  /** What the constraints guarding bookings answer, for a booking made alone or in a series. */
  static final Map<String, DomainException> CONSTRAINTS = Map.of(
    "bookings_teacher_no_overlap", DomainException.conflict(
      "the teacher already has a booking at that time or within the teacher's buffer around it"),
    "bookings_student_no_overlap", DomainException.conflict(STUDENT_BUSY),
    "bookings_student_id_fkey", DomainException.invalid("student_id has no profile; a booking is made only by a user with one"),
    "bookings_slot_id_fkey", DomainException.conflict("the availability slot was just removed"),
    "packages_remaining_in_range", Ledger.NO_LESSONS_LEFT,
    "package_ledger_one_return_per_booking", DomainException.conflict("the booking's lesson was already given back"),
    "package_ledger_one_use_per_booking", DomainException.conflict("the booking already took its lesson"));

  private final BookingStore store;

  /**
   * @param config the {@code bookings} section: how long an idempotency key lasts
   */
  public BookingsVerticle(Pool pool, JsonObject config) {
    super(ADDRESS, BookingService.class, CONSTRAINTS);
    this.store = new BookingStore(pool, config.getInteger("idempotency_key_ttl_seconds"));
  }

  @Override
  protected List<DomainCounter> counters() {
    return List.of(CREATED, CANCELLED);
  }

  @Override
  public Future<List<Booking>> list(Caller caller, String studentId, String teacherId, Page page) {
    Parties.requireListing(caller, studentId, teacherId, "bookings");
    return store.list(studentId, teacherId, page);
  }

  @Override
  public Future<List<Booking>> ofUser(String userId, UUID after, int limit) {
    return store.ofUser(userId, after, limit);
  }

  @Override
  public Future<Booking> get(Caller caller, UUID bookingId) {
    return store.find(bookingId).map(found ->
      Parties.seenBy(caller, found.orElseThrow(() -> DomainException.notFound("no booking " + bookingId)), "booking"));
  }

  @Override
  public Future<CreatedBooking> create(Caller caller, NewBooking booking, String idempotencyKey) {
    if (!caller.actsFor(booking.studentId())) {
      throw DomainException.forbidden("a booking is made only by the student it names");
    }
    return store.create(booking, caller.userId(), idempotencyKey).onSuccess(created -> {
      if (!created.replayed()) {
        count(CREATED);
      }
    });
  }

  @Override
  public Future<Booking> changeStatus(Caller caller, UUID bookingId, StatusChange change) {
    // Without an expected version the change applies to the booking as this request finds it: the
    // compare-and-set is on that version, so of two changes racing from one state only one wins, whichever they are.
    Future<Integer> version = change.expectedVersion() != null ? Future.succeededFuture(change.expectedVersion())
      : get(caller, bookingId).map(Booking::version);
    Transition transition = Transition.to(change.to());
    return version.compose(expected -> store.changeStatus(bookingId, transition, change.reason(), caller, expected)
      .compose(changed -> changed
        .map(booking -> {
          if (transition == Transition.CANCEL) {
            count(CANCELLED);
          }
          return Future.succeededFuture(booking);
        })
        .orElseGet(() -> get(caller, bookingId).map(booking -> {
          throw whyNot(transition, booking, caller, change.expectedVersion()).orElseGet(BookingsVerticle::changedMeanwhile);
        }))));
  }

  @Override
  public Future<Booking> reschedule(Caller caller, UUID bookingId, TimeRange time, Integer expectedVersion) {
    return get(caller, bookingId).compose(booking -> {
      int expected = expectedVersion != null ? expectedVersion : booking.version();
      if (expected == booking.version() && booking.startTime().isEqual(time.start()) && booking.endTime().isEqual(time.end())) {
        return Future.succeededFuture(booking);
      }
      Optional<DomainException> refused = whyNot(Transition.MOVE, booking, caller, expectedVersion);
      if (refused.isPresent()) {
        throw refused.get();
      }
      return store.move(booking, time, caller, expected).compose(moved -> moved.map(Future::succeededFuture)
        .orElseGet(() -> get(caller, bookingId).map(now -> {
          throw whyNot(Transition.MOVE, now, caller, expectedVersion).orElseGet(BookingsVerticle::changedMeanwhile);
        })));
    });
  }

  @Override
  public Future<Booking> reportNoShow(Caller caller, UUID bookingId, Absent absent, Integer expectedVersion) {
    // The database decides (the compare-and-set); the booking as it is then explains a refusal.
    return get(caller, bookingId).compose(booking -> {
      int expected = expectedVersion != null ? expectedVersion : booking.version();
      return store.reportNoShow(bookingId, absent, caller, expected).compose(reported -> reported.map(Future::succeededFuture)
        .orElseGet(() -> get(caller, bookingId).compose(now -> {
          Optional<DomainException> why = whyNot(Transition.noShowOf(absent), now, caller, expectedVersion);
          if (why.isPresent()) {
            throw why.get();
          }
          String absentee = absent == Absent.STUDENT ? now.studentId() : now.teacherId();
          return store.joinedMeeting(bookingId, absentee).map(joined -> {
            throw joined ? DomainException.conflict("the meeting's records show the " + absent.wire() + " joined the session's meeting")
              : changedMeanwhile();
          });
        })));
    });
  }

  /**
   * Why the caller cannot make the change to the booking as it is now, if they cannot: the table's reasons
   * ({@link Transition#forbidden}, {@link Transition#conflict}), and between them a version the booking has left.
   */
  private static Optional<DomainException> whyNot(Transition transition, Booking booking, Caller caller,
                                                  Integer expectedVersion) {
    return transition.forbidden(booking, caller)
      .or(() -> expectedVersion != null && expectedVersion != booking.version()
        ? Optional.of(new DomainException(DomainException.Reason.STALE, "the booking changed since you read it; read it again"))
        : Optional.empty())
      .or(() -> transition.conflict(booking, Instant.now()));
  }

  /** The table allows the change, yet the compare-and-set matched nothing: another change won. */
  private static DomainException changedMeanwhile() {
    return DomainException.conflict("the booking changed at the same moment; read it again");
  }

  @Override
  public Future<Void> erase(String userId) {
    return store.erase(userId);
  }
}
