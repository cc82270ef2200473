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

import java.time.Duration;
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

  static final int MAX_IDEMPOTENCY_KEY = 255;
  private static final DomainCounter CREATED = new DomainCounter("vyoma.bookings.made",
    "Bookings created (a replayed idempotent request is not a new booking)");
  private static final DomainCounter CANCELLED = new DomainCounter("vyoma.bookings.cancelled",
    "Bookings cancelled by either party");

  private static final Duration NO_SHOW_FROM = Duration.ofMinutes(10);
  private static final Duration NO_SHOW_UNTIL = Duration.ofHours(48);

  private final BookingStore store;

  /**
   * @param config the {@code bookings} section: how long an idempotency key lasts
   */
  public BookingsVerticle(Pool pool, JsonObject config) {
    super(ADDRESS, BookingService.class, Map.of(
      "bookings_teacher_no_overlap", DomainException.conflict(
        "the teacher already has a booking at that time or within the teacher's buffer around it"),
      "bookings_student_no_overlap", DomainException.conflict("the student already has a booking at that time"),
      "bookings_student_id_fkey", DomainException.invalid("student_id has no profile; create it with POST /profiles"),
      "bookings_slot_id_fkey", DomainException.conflict("the availability slot was just removed"),
      "packages_remaining_in_range", Ledger.NO_LESSONS_LEFT,
      "package_ledger_one_return_per_booking", DomainException.conflict("the booking's lesson was already given back"),
      "package_ledger_one_use_per_booking", DomainException.conflict("the booking already took its lesson")));
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
  public Future<Booking> get(Caller caller, UUID bookingId) {
    return store.find(bookingId).map(found -> {
      Booking booking = found.orElseThrow(() -> DomainException.notFound("no booking " + bookingId));
      if (!caller.isPartyTo(booking.studentId(), booking.teacherId())) {
        throw DomainException.forbidden("only the booking's student and teacher may see it");
      }
      return booking;
    });
  }

  @Override
  public Future<CreatedBooking> create(Caller caller, NewBooking booking, String idempotencyKey) {
    if (!caller.actsFor(booking.studentId())) {
      throw DomainException.forbidden("a booking is made only by the student it names");
    }
    if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > MAX_IDEMPOTENCY_KEY)) {
      throw DomainException.invalid("Idempotency-Key must be 1 to " + MAX_IDEMPOTENCY_KEY + " characters");
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
    return version.compose(expected -> store.changeStatus(bookingId, change.to(), change.reason(), caller, expected)
      .compose(changed -> changed
        .map(booking -> {
          if (change.to() == BookingStatus.CANCELLED) {
            count(CANCELLED);
          }
          return Future.succeededFuture(booking);
        })
        .orElseGet(() -> get(caller, bookingId).map(booking -> {
          throw whyUnchanged(booking, change, caller, expected);
        }))));
  }

  @Override
  public Future<Booking> reschedule(Caller caller, UUID bookingId, TimeRange time, Integer expectedVersion) {
    return get(caller, bookingId).compose(booking -> {
      int expected = expectedVersion != null ? expectedVersion : booking.version();
      if (expected == booking.version() && booking.startTime().isEqual(time.start()) && booking.endTime().isEqual(time.end())) {
        return Future.succeededFuture(booking);
      }
      Optional<DomainException> refused = whyUnmovable(booking, expectedVersion);
      if (refused.isPresent()) {
        throw refused.get();
      }
      return store.move(booking, time, caller, expected).compose(moved -> moved.map(Future::succeededFuture)
        .orElseGet(() -> get(caller, bookingId).map(now -> {
          throw whyUnmovable(now, expectedVersion).orElseGet(() -> DomainException.conflict(
            "the booking changed at the same moment; read it again"));
        })));
    });
  }

  @Override
  public Future<Booking> reportNoShow(Caller caller, UUID bookingId, Absent absent, Integer expectedVersion) {
    return get(caller, bookingId).compose(booking -> {
      int expected = expectedVersion != null ? expectedVersion : booking.version();
      Optional<DomainException> refused = whyNoNoShow(booking, absent, caller, expectedVersion);
      if (refused.isPresent()) {
        throw refused.get();
      }
      return store.reportNoShow(bookingId, absent, caller, expected).compose(reported -> reported.map(Future::succeededFuture)
        .orElseGet(() -> get(caller, bookingId).compose(now -> {
          Optional<DomainException> why = whyNoNoShow(now, absent, caller, expectedVersion);
          if (why.isPresent()) {
            throw why.get();
          }
          String absentee = absent == Absent.STUDENT ? now.studentId() : now.teacherId();
          return store.joinedMeeting(bookingId, absentee).map(joined -> {
            throw DomainException.conflict(joined
              ? "the meeting's records show the " + absent.wire() + " joined the session's meeting"
              : "the booking changed at the same moment; read it again");
          });
        })));
    });
  }

  /** Why a no-show of {@code absent} cannot be reported on the booking as it is now, attendance aside. */
  private static Optional<DomainException> whyNoNoShow(Booking booking, Absent absent, Caller caller, Integer expectedVersion) {
    String reporter = absent == Absent.STUDENT ? booking.teacherId() : booking.studentId();
    if (!caller.actsFor(reporter)) {
      return Optional.of(DomainException.forbidden("a no-show of the " + absent.wire() + " is reported by the other party"));
    }
    if (expectedVersion != null && expectedVersion != booking.version()) {
      return Optional.of(new DomainException(DomainException.Reason.STALE, "the booking changed since you read it; read it again"));
    }
    if (booking.noShow() != null) {
      return Optional.of(DomainException.conflict("a no-show was already reported for this booking"));
    }
    if (booking.status() != BookingStatus.CONFIRMED) {
      return Optional.of(DomainException.conflict("a no-show is reported only on a confirmed booking, not a "
        + booking.status().wire() + " one"));
    }
    Instant now = Instant.now();
    if (now.isBefore(booking.startTime().toInstant().plus(NO_SHOW_FROM))) {
      return Optional.of(DomainException.conflict("a no-show can be reported from 10 minutes after the start"));
    }
    if (now.isAfter(booking.endTime().toInstant().plus(NO_SHOW_UNTIL))) {
      return Optional.of(DomainException.conflict("a no-show can be reported until 48 hours after the end"));
    }
    return Optional.empty();
  }

  /** Why a booking as it is now cannot be moved at the version the caller expects, if it cannot. */
  private static Optional<DomainException> whyUnmovable(Booking booking, Integer expectedVersion) {
    if (expectedVersion != null && expectedVersion != booking.version()) {
      return Optional.of(new DomainException(DomainException.Reason.STALE, "the booking changed since you read it; read it again"));
    }
    if (booking.status() != BookingStatus.PENDING && booking.status() != BookingStatus.CONFIRMED) {
      return Optional.of(DomainException.conflict("a " + booking.status().wire() + " booking cannot be moved"));
    }
    if (!booking.startTime().toInstant().isAfter(Instant.now())) {
      return Optional.of(DomainException.conflict("the lesson has started; it can no longer be moved"));
    }
    return Optional.empty();
  }

  /** Why the compare-and-set changed nothing, given the booking as it is now. */
  private static DomainException whyUnchanged(Booking booking, StatusChange change, Caller caller, int expected) {
    BookingStatus to = change.to();
    if (to.teacherOnly() && !caller.actsFor(booking.teacherId())) {
      return DomainException.forbidden("only the teacher may set a booking to " + to.wire());
    }
    if (change.expectedVersion() != null && expected != booking.version()) {
      return new DomainException(DomainException.Reason.STALE, "the booking changed since you read it; read it again");
    }
    if (!to.isReachableFrom(booking.status().wire())) {
      return DomainException.conflict("a " + booking.status().wire() + " booking cannot become " + to.wire());
    }
    if (to == BookingStatus.COMPLETED && booking.startTime().toInstant().isAfter(Instant.now())) {
      return DomainException.conflict("a booking can be completed only once its start_time has passed");
    }
    return DomainException.conflict("the booking changed at the same moment; read it again");
  }
}
