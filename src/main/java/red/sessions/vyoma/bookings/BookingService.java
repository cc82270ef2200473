package red.sessions.vyoma.bookings;

import io.vertx.core.Future;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.kernel.Page;
import red.sessions.vyoma.kernel.TimeRange;

import java.util.List;
import java.util.UUID;

/**
 * The bookings domain, served on the event bus at {@link #ADDRESS}. Its tables ({@code bookings},
 * {@code booking_idempotency_keys}) are read and written by this package alone; published for other domains'
 * reads (views, migrations V14 and V18): {@code lessons} (a booking's parties, times and status, how many times its
 * time or status changed and when it last did), {@code active_bookings}
 * (the pending and confirmed ones, which hold time and their slot) and {@code confirmed_pairs} (who share a
 * booking the teacher confirmed).
 */
public interface BookingService {

  String ADDRESS = "vyoma.bookings";

  /** The bookings of the student, the teacher, or both together; only those users (or an admin) may list them. */
  Future<List<Booking>> list(Caller caller, String studentId, String teacherId, Page page);

  /** One booking, for its two parties and admins. */
  Future<Booking> get(Caller caller, UUID bookingId);

  /** The bookings the user is a party to, for the user's export (no route reaches it), by id after {@code after} (null: from the first), at most {@code limit}. */
  Future<List<Booking>> ofUser(String userId, UUID after, int limit);

  /**
   * Books the time for the student it names. With an idempotency key (1 to 255 characters, scoped to the
   * caller), asking again for the same booking answers the first one, replayed.
   */
  Future<CreatedBooking> create(Caller caller, NewBooking booking, String idempotencyKey);

  /** Moves the booking along its lifecycle; stale when the change names a version the booking has left. */
  Future<Booking> changeStatus(Caller caller, UUID bookingId, StatusChange change);

  /**
   * Moves a pending or confirmed booking that has not started to a new bookable time, keeping its id; a
   * student's move of a confirmed booking returns it to pending. Stale when {@code expectedVersion} (may be
   * null) names a version the booking has left.
   */
  Future<Booking> reschedule(Caller caller, UUID bookingId, TimeRange time, Integer expectedVersion);

  /**
   * Reports that a party did not show up to a confirmed booking: by the other party (or an admin), from 10
   * minutes after the start until 48 hours after the end, once, and only when the meeting's attendee records do
   * not show the absent party joining. Stale when {@code expectedVersion} (may be null) names a version the
   * booking has left.
   */
  Future<Booking> reportNoShow(Caller caller, UUID bookingId, Absent absent, Integer expectedVersion);

  /** For erasures/: deletes the idempotency keys the user sent (the bookings stay). */
  Future<Void> erase(String userId);
}
