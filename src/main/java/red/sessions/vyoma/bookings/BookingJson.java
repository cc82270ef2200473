package red.sessions.vyoma.bookings;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.kernel.Times;

/**
 * The bookings' wire format, in one place: a booking as the API answers it, and as the events of its changes
 * ({@code booking.*}) carry it, so the two cannot drift apart.
 */
public final class BookingJson {

  private BookingJson() {
  }

  public static JsonObject booking(Booking booking) {
    return new JsonObject()
      .put("booking_id", booking.bookingId().toString())
      .put("student_id", booking.studentId())
      .put("teacher_id", booking.teacherId())
      .put("start_time", Times.format(booking.startTime()))
      .put("end_time", Times.format(booking.endTime()))
      .put("status", booking.status().wire())
      .put("cancel_reason", booking.cancelReason())
      .put("cancelled_by", booking.cancelledBy())
      .put("created_at", Times.format(booking.createdAt()))
      .put("updated_at", Times.format(booking.updatedAt()))
      .put("previous_times", new JsonArray(booking.previousTimes().stream().map(BookingJson::move).toList()))
      .put("package_id", booking.packageId() == null ? null : booking.packageId().toString())
      .put("free_cancellation_until", Times.format(booking.freeCancellationUntil()))
      .put("late_cancellation", booking.lateCancellation())
      .put("no_show", booking.noShow())
      .put("series_id", booking.seriesId() == null ? null : booking.seriesId().toString());
  }

  private static JsonObject move(Booking.Move move) {
    return new JsonObject()
      .put("start_time", Times.format(move.startTime()))
      .put("end_time", Times.format(move.endTime()))
      .put("changed_by", move.changedBy())
      .put("changed_at", Times.format(move.changedAt()));
  }
}
