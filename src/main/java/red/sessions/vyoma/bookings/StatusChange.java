package red.sessions.vyoma.bookings;

import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.kernel.JsonFields;

/**
 * A validated {@code PATCH /bookings/{booking_id}} body: the status to move to, a reason (only for
 * cancelling, at most 500 characters), and the version the caller last saw, if they named one.
 */
public record StatusChange(BookingStatus to, String reason, Integer expectedVersion) {

  static final int MAX_REASON = 500;

  public static StatusChange parse(JsonObject body, Integer expectedVersion) {
    BookingStatus to = BookingStatus.target(JsonFields.requiredString(body, "status", "status"));
    String reason = JsonFields.optionalString(body, "reason", "reason");
    if (reason != null && to != BookingStatus.CANCELLED) {
      throw DomainException.invalid("reason is only for cancelling");
    }
    return new StatusChange(to, reason == null ? null : JsonFields.bounded(reason, "reason", 0, MAX_REASON), expectedVersion);
  }
}
