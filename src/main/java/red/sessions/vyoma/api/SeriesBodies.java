package red.sessions.vyoma.api;

import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.availability.Schedule;
import red.sessions.vyoma.bookings.NewSeries;
import red.sessions.vyoma.bookings.SeriesCancellation;
import red.sessions.vyoma.bookings.SeriesMove;
import red.sessions.vyoma.bus.DomainException;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/** The request bodies of {@code /series}, read into the bookings domain's inputs, which check their rules. */
final class SeriesBodies {

  private SeriesBodies() {
  }

  /** {@code POST /series}. */
  static NewSeries newSeries(JsonObject body) {
    String studentId = JsonFields.requiredString(body, "student_id", "student_id");
    String teacherId = JsonFields.requiredString(body, "teacher_id", "teacher_id");
    String zone = JsonFields.optionalString(body, "time_zone", "time_zone");
    int interval = body.getValue("interval_weeks") == null ? 1
      : JsonFields.requiredInteger(body, "interval_weeks", "interval_weeks", 1, 4);
    Integer count = body.getValue("count") == null ? null : JsonFields.requiredInteger(body, "count", "count", 1, 52);
    String until = JsonFields.optionalString(body, "until", "until");
    String packageId = JsonFields.optionalString(body, "package_id", "package_id");
    return NewSeries.of(studentId, teacherId, BookingBodies.lessonTime(body), zone == null ? null : Schedule.zone(zone),
      interval, count, until == null ? null : date(until, "until"),
      NewSeries.Mode.named(JsonFields.optionalString(body, "mode", "mode")),
      packageId == null ? null : JsonFields.uuid(packageId, "package_id"));
  }

  /** {@code POST /series/{series_id}/cancel}. */
  static SeriesCancellation cancellation(JsonObject body) {
    String from = JsonFields.optionalString(body, "from_booking_id", "from_booking_id");
    return SeriesCancellation.of(JsonFields.requiredString(body, "scope", "scope"),
      from == null ? null : JsonFields.uuid(from, "from_booking_id"), JsonFields.optionalString(body, "reason", "reason"));
  }

  /** {@code POST /series/{series_id}/reschedule}. */
  static SeriesMove move(JsonObject body) {
    UUID from = JsonFields.uuid(JsonFields.requiredString(body, "from_booking_id", "from_booking_id"), "from_booking_id");
    String zone = JsonFields.optionalString(body, "time_zone", "time_zone");
    return new SeriesMove(from, BookingBodies.lessonTime(body), zone == null ? null : Schedule.zone(zone),
      NewSeries.Mode.named(JsonFields.optionalString(body, "mode", "mode")));
  }

  private static LocalDate date(String value, String label) {
    try {
      return LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      throw DomainException.invalid(label + " must be a date such as 2027-06-01");
    }
  }
}
