package red.sessions.vyoma.bookings;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.bus.DomainCounter;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.bus.DomainVerticle;
import red.sessions.vyoma.bus.Page;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Bookings: a student books time inside a teacher's slot; the teacher confirms; either party cancels
 * or completes. Bookings are seen only by their two parties and admins.
 */
public final class BookingsVerticle extends DomainVerticle<BookingService> implements BookingService {

  static final int MAX_IDEMPOTENCY_KEY = 255;
  private static final DomainCounter CREATED = new DomainCounter("vyoma.bookings.made",
    "Bookings created (a replayed idempotent request is not a new booking)");
  private static final DomainCounter CANCELLED = new DomainCounter("vyoma.bookings.cancelled",
    "Bookings cancelled by either party");

  private final BookingStore store;

  /**
   * @param config the {@code bookings} section: how long an idempotency key lasts
   */
  public BookingsVerticle(Pool pool, JsonObject config) {
    super(ADDRESS, BookingService.class, Map.of(
      "bookings_teacher_no_overlap", DomainException.conflict("the teacher already has a booking at that time"),
      "bookings_student_no_overlap", DomainException.conflict("the student already has a booking at that time"),
      "bookings_student_id_fkey", DomainException.invalid("student_id has no profile; create it with POST /profiles"),
      "bookings_slot_id_fkey", DomainException.conflict("the availability slot was just removed")));
    this.store = new BookingStore(pool, config.getInteger("idempotency_key_ttl_seconds"));
  }

  @Override
  protected List<DomainCounter> counters() {
    return List.of(CREATED, CANCELLED);
  }

  @Override
  public Future<List<Booking>> list(Caller caller, String studentId, String teacherId, Page page) {
    if (studentId == null && teacherId == null) {
      throw DomainException.invalid("query parameter student_id or teacher_id is required");
    }
    if (!caller.actsForOneOf(studentId, teacherId)) {
      throw DomainException.forbidden("you may list only your own bookings");
    }
    return store.list(studentId, teacherId, page);
  }

  @Override
  public Future<Booking> get(Caller caller, UUID bookingId) {
    return store.find(bookingId).map(found -> {
      Booking booking = found.orElseThrow(() -> DomainException.notFound("no booking " + bookingId));
      if (!booking.isParty(caller)) {
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
    return DomainException.conflict("the booking changed at the same moment; read it again");
  }
}
