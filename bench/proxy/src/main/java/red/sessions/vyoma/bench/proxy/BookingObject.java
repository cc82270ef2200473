package red.sessions.vyoma.bench.proxy;

import io.vertx.codegen.annotations.DataObject;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.bookings.Booking;
import red.sessions.vyoma.bookings.BookingJson;
import red.sessions.vyoma.bookings.BookingStatus;

import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.UUID;

/**
 * {@link Booking} as a service-proxy data object. Its JSON is the booking's own API form ({@link BookingJson#booking},
 * which the server already has); reading it back is what a domain record would need in addition, written as
 * plainly as the record's own {@code of(Row)}.
 */
@DataObject
public class BookingObject {

  private final Booking booking;

  public BookingObject(Booking booking) {
    this.booking = booking;
  }

  public BookingObject(JsonObject json) {
    this(new Booking(
      UUID.fromString(json.getString("booking_id")),
      json.getString("student_id"),
      json.getString("teacher_id"),
      time(json, "start_time"),
      time(json, "end_time"),
      BookingStatus.valueOf(json.getString("status").toUpperCase(Locale.ROOT)),
      json.getString("cancel_reason"),
      time(json, "created_at"),
      time(json, "updated_at"),
      json.getInteger("version", 0),
      json.getJsonArray("previous_times").stream().map(move -> move((JsonObject) move)).toList(),
      json.getString("package_id") == null ? null : UUID.fromString(json.getString("package_id")),
      time(json, "free_cancellation_until"),
      json.getBoolean("late_cancellation"),
      json.getString("no_show")));
  }

  // The API form has no version; the bench's answer carries it so that the record read back is whole.
  public JsonObject toJson() {
    return BookingJson.booking(booking).put("version", booking.version());
  }

  public Booking booking() {
    return booking;
  }

  private static Booking.Move move(JsonObject json) {
    return new Booking.Move(time(json, "start_time"), time(json, "end_time"), json.getString("changed_by"),
      time(json, "changed_at"));
  }

  private static OffsetDateTime time(JsonObject json, String key) {
    String value = json.getString(key);
    return value == null ? null : OffsetDateTime.parse(value);
  }
}
