package red.sessions.vyoma.api;

import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.bookings.Absent;
import red.sessions.vyoma.bookings.NewBooking;
import red.sessions.vyoma.bookings.StatusChange;
import red.sessions.vyoma.kernel.TimeRange;

/** The request bodies of {@code /bookings}, read into the bookings domain's inputs, which check their rules. */
public final class BookingBodies {

  private BookingBodies() {
  }

  /** {@code POST /bookings}. */
  public static NewBooking newBooking(JsonObject body) {
    String studentId = JsonFields.requiredString(body, "student_id", "student_id");
    String teacherId = JsonFields.requiredString(body, "teacher_id", "teacher_id");
    String packageId = JsonFields.optionalString(body, "package_id", "package_id");
    return NewBooking.of(studentId, teacherId, lessonTime(body),
      packageId == null ? null : JsonFields.uuid(packageId, "package_id"));
  }

  /** A lesson's {@code start_time} and {@code end_time}: of a new booking, or where to move one. */
  public static TimeRange lessonTime(JsonObject body) {
    return NewBooking.lessonTime(JsonFields.requiredTime(body, "start_time", "start_time"),
      JsonFields.requiredTime(body, "end_time", "end_time"));
  }

  /** {@code PATCH /bookings/{booking_id}}, at the version {@code If-Match} named, if any. */
  public static StatusChange statusChange(JsonObject body, Integer expectedVersion) {
    return StatusChange.to(JsonFields.requiredString(body, "status", "status"),
      JsonFields.optionalString(body, "reason", "reason"), expectedVersion);
  }

  /** {@code POST /bookings/{booking_id}/no-show}. */
  public static Absent absent(JsonObject body) {
    return Absent.named(JsonFields.requiredString(body, "absent", "absent"));
  }
}
