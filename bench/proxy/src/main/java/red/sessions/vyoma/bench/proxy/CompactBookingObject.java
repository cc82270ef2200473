package red.sessions.vyoma.bench.proxy;

import io.vertx.codegen.annotations.DataObject;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.bookings.Booking;
import red.sessions.vyoma.bookings.BookingStatus;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * {@link Booking} as the cheapest data object we could write for it: times as epoch milliseconds rather than text
 * (no formatter either way), the status by its constant's name. What is left against {@code LocalServices} is
 * service-proxy's own way: JSON objects built, copied on delivery and read back.
 */
@DataObject
public class CompactBookingObject {

  private final Booking booking;

  public CompactBookingObject(Booking booking) {
    this.booking = booking;
  }

  public CompactBookingObject(JsonObject json) {
    this(new Booking(
      UUID.fromString(json.getString("booking_id")),
      json.getString("student_id"),
      json.getString("teacher_id"),
      time(json, "start_time"),
      time(json, "end_time"),
      BookingStatus.valueOf(json.getString("status")),
      json.getString("cancel_reason"),
      time(json, "created_at"),
      time(json, "updated_at"),
      json.getInteger("version"),
      json.getJsonArray("previous_times").stream().map(move -> move((JsonObject) move)).toList(),
      json.getString("package_id") == null ? null : UUID.fromString(json.getString("package_id")),
      time(json, "free_cancellation_until"),
      json.getBoolean("late_cancellation"),
      json.getString("no_show")));
  }

  public JsonObject toJson() {
    return new JsonObject()
      .put("booking_id", booking.bookingId().toString())
      .put("student_id", booking.studentId())
      .put("teacher_id", booking.teacherId())
      .put("start_time", millis(booking.startTime()))
      .put("end_time", millis(booking.endTime()))
      .put("status", booking.status().name())
      .put("cancel_reason", booking.cancelReason())
      .put("created_at", millis(booking.createdAt()))
      .put("updated_at", millis(booking.updatedAt()))
      .put("version", booking.version())
      .put("previous_times", new JsonArray(booking.previousTimes().stream().map(CompactBookingObject::move).toList()))
      .put("package_id", booking.packageId() == null ? null : booking.packageId().toString())
      .put("free_cancellation_until", millis(booking.freeCancellationUntil()))
      .put("late_cancellation", booking.lateCancellation())
      .put("no_show", booking.noShow());
  }

  public Booking booking() {
    return booking;
  }

  private static JsonObject move(Booking.Move move) {
    return new JsonObject()
      .put("start_time", millis(move.startTime()))
      .put("end_time", millis(move.endTime()))
      .put("changed_by", move.changedBy())
      .put("changed_at", millis(move.changedAt()));
  }

  private static Booking.Move move(JsonObject json) {
    return new Booking.Move(time(json, "start_time"), time(json, "end_time"), json.getString("changed_by"),
      time(json, "changed_at"));
  }

  private static Long millis(OffsetDateTime time) {
    return time == null ? null : time.toInstant().toEpochMilli();
  }

  private static OffsetDateTime time(JsonObject json, String key) {
    Long millis = json.getLong(key);
    return millis == null ? null : OffsetDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
  }
}
