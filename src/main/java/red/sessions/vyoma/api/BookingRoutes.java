package red.sessions.vyoma.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.handler.HttpException;
import red.sessions.vyoma.bookings.Booking;
import red.sessions.vyoma.bookings.BookingJson;
import red.sessions.vyoma.bookings.BookingService;

/**
 * {@code /bookings}: the seed's shapes, plus what HTTP adds to them: the booking's version as its
 * {@code ETag}, {@code If-Match} to change it only at the version last seen, and {@code Idempotency-Key}
 * with {@code Idempotent-Replayed} on the answer to a retry.
 */
final class BookingRoutes {

  private BookingRoutes() {
  }

  static void mount(Endpoints api, BookingService bookings) {
    api.get("/bookings", call -> bookings.list(call.caller(), call.query("student_id"), call.query("teacher_id"), call.page())
      .map(list -> Reply.ok(new JsonArray(list.stream().map(BookingJson::booking).toList()))));
    api.post("/bookings", call -> bookings.create(call.caller(), BookingBodies.newBooking(call.body()),
        call.header("Idempotency-Key"))
      .map(created -> {
        Reply reply = Reply.created(new JsonObject()
          .put("booking_id", created.bookingId().toString())
          .put("message", "Booking created successfully"));
        return created.replayed() ? reply.header("Idempotent-Replayed", "true") : reply;
      }));
    api.get("/bookings/:booking_id", call -> bookings.get(call.caller(), call.pathUuid("booking_id"))
      .map(BookingRoutes::withETag));
    api.patch("/bookings/:booking_id", call -> bookings.changeStatus(call.caller(), call.pathUuid("booking_id"),
        BookingBodies.statusChange(call.body(), expectedVersion(call.header("If-Match"))))
      .map(BookingRoutes::withETag));
    api.post("/bookings/:booking_id/no-show", call -> bookings.reportNoShow(call.caller(), call.pathUuid("booking_id"),
        BookingBodies.absent(call.body()), expectedVersion(call.header("If-Match")))
      .map(BookingRoutes::withETag));
    api.post("/bookings/:booking_id/reschedule", call -> bookings.reschedule(call.caller(), call.pathUuid("booking_id"),
        BookingBodies.lessonTime(call.body()), expectedVersion(call.header("If-Match")))
      .map(BookingRoutes::withETag));
  }

  private static Reply withETag(Booking booking) {
    return Reply.ok(BookingJson.booking(booking)).header("ETag", "\"" + booking.version() + "\"");
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
    throw new HttpException(412, "If-Match must be an ETag this server sent for the booking");
  }
}
