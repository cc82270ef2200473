package red.sessions.vyoma.bookings;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.bus.ApiException;
import red.sessions.vyoma.bus.ApiReply;
import red.sessions.vyoma.bus.ApiRequest;
import red.sessions.vyoma.bus.DomainCounter;
import red.sessions.vyoma.bus.DomainVerticle;
import red.sessions.vyoma.bus.JsonFields;
import red.sessions.vyoma.bus.Page;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * Bookings: a student books time inside a teacher's slot; the teacher confirms; either party cancels
 * or completes. Bookings are seen only by their two parties and admins.
 */
public final class BookingsVerticle extends DomainVerticle {

  static final int MAX_IDEMPOTENCY_KEY = 255;
  static final int MAX_REASON = 500;
  private static final DomainCounter CREATED = new DomainCounter("vyoma.bookings.made",
    "Bookings created (a replayed idempotent request is not a new booking)");
  private static final DomainCounter CANCELLED = new DomainCounter("vyoma.bookings.cancelled",
    "Bookings cancelled by either party");

  private final BookingStore store;

  public BookingsVerticle(Pool pool) {
    super(BookingsApi.ADDRESS, Map.of(
      "bookings_teacher_no_overlap", ApiException.conflict("the teacher already has a booking at that time"),
      "bookings_student_no_overlap", ApiException.conflict("the student already has a booking at that time"),
      "bookings_student_id_fkey", ApiException.badRequest("student_id has no profile; create it with POST /profiles"),
      "bookings_slot_id_fkey", ApiException.conflict("the availability slot was just removed")));
    this.store = new BookingStore(pool);
  }

  @Override
  protected Map<String, Function<ApiRequest, Future<ApiReply>>> actions() {
    return Map.of(
      BookingsApi.LIST, this::list,
      BookingsApi.GET, this::get,
      BookingsApi.CREATE, this::create,
      BookingsApi.CHANGE_STATUS, this::changeStatus);
  }

  @Override
  protected List<DomainCounter> counters() {
    return List.of(CREATED, CANCELLED);
  }

  private Future<ApiReply> list(ApiRequest request) {
    String studentId = request.query().getString("student_id");
    String teacherId = request.query().getString("teacher_id");
    if (studentId == null && teacherId == null) {
      throw ApiException.badRequest("query parameter student_id or teacher_id is required");
    }
    Caller caller = request.caller();
    if (!caller.actsForOneOf(studentId, teacherId)) {
      throw ApiException.forbidden("you may list only your own bookings");
    }
    return store.list(studentId, teacherId, Page.of(request)).map(ApiReply::ok);
  }

  private Future<ApiReply> get(ApiRequest request) {
    return visible(request.pathUuid("booking_id"), request.caller())
      .map(booking -> ApiReply.ok(booking.json()).withHeader("ETag", booking.etag()));
  }

  private Future<Booking> visible(UUID id, Caller caller) {
    return store.find(id).map(found -> {
      Booking booking = found.orElseThrow(() -> ApiException.notFound("no booking " + id));
      if (!booking.isParty(caller)) {
        throw ApiException.forbidden("only the booking's student and teacher may see it");
      }
      return booking;
    });
  }

  private Future<ApiReply> create(ApiRequest request) {
    NewBooking booking = NewBooking.parse(request.requiredBody(), request.caller());
    String key = request.header("idempotency-key");
    if (key != null && (key.isBlank() || key.length() > MAX_IDEMPOTENCY_KEY)) {
      throw ApiException.badRequest("Idempotency-Key must be 1 to " + MAX_IDEMPOTENCY_KEY + " characters");
    }
    return store.create(booking, request.caller().userId(), key).map(created -> {
      if (!created.replayed()) {
        count(CREATED);
      }
      ApiReply reply = ApiReply.created(new JsonObject()
        .put("booking_id", created.bookingId().toString())
        .put("message", "Booking created successfully"));
      return created.replayed() ? reply.withHeader("Idempotent-Replayed", "true") : reply;
    });
  }

  private Future<ApiReply> changeStatus(ApiRequest request) {
    UUID id = request.pathUuid("booking_id");
    JsonObject body = request.requiredBody();
    BookingStatus to = BookingStatus.target(JsonFields.requiredString(body, "status", "status"));
    String reason = JsonFields.optionalString(body, "reason", "reason");
    if (reason != null && to != BookingStatus.CANCELLED) {
      throw ApiException.badRequest("reason is only for cancelling");
    }
    if (reason != null) {
      reason = JsonFields.bounded(reason, "reason", 0, MAX_REASON);
    }
    Integer ifMatch = expectedVersion(request.header("if-match"));
    Caller caller = request.caller();
    // Without If-Match the change applies to the booking as this request finds it: the compare-and-set is
    // on that version, so of two changes racing from one state only one wins, whichever they are.
    Future<Integer> version = ifMatch != null ? Future.succeededFuture(ifMatch) : visible(id, caller).map(Booking::version);
    String cancelReason = reason;
    return version.compose(expected -> store.changeStatus(id, to, cancelReason, caller, expected).compose(changed -> changed
      .map(booking -> {
        if (to == BookingStatus.CANCELLED) {
          count(CANCELLED);
        }
        return Future.succeededFuture(ApiReply.ok(booking.json()).withHeader("ETag", booking.etag()));
      })
      .orElseGet(() -> visible(id, caller).map(booking -> {
        throw whyUnchanged(booking, to, caller, expected, ifMatch != null);
      }))));
  }

  /** Why the compare-and-set changed nothing, given the booking as it is now. */
  private static ApiException whyUnchanged(Booking booking, BookingStatus to, Caller caller, int expected,
                                           boolean clientSentVersion) {
    if (to.teacherOnly() && !caller.actsFor(booking.teacherId())) {
      return ApiException.forbidden("only the teacher may set a booking to " + to.wire());
    }
    if (clientSentVersion && expected != booking.version()) {
      return new ApiException(412, "the booking changed since you read it; read it again");
    }
    if (!to.isReachableFrom(booking.status())) {
      return ApiException.conflict("a " + booking.status() + " booking cannot become " + to.wire());
    }
    return ApiException.conflict("the booking changed at the same moment; read it again");
  }

  /** The version named by an {@code If-Match} header ({@code "3"} or {@code W/"3"}), or null without one. */
  private static Integer expectedVersion(String ifMatch) {
    if (ifMatch == null) {
      return null;
    }
    String tag = ifMatch.strip();
    if (tag.startsWith("W/")) {
      tag = tag.substring(2);
    }
    if (tag.length() > 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
      try {
        return Integer.parseInt(tag.substring(1, tag.length() - 1));
      } catch (NumberFormatException notOurs) {
        // answered below
      }
    }
    throw new ApiException(412, "If-Match must be an ETag this server sent for the booking");
  }
}
