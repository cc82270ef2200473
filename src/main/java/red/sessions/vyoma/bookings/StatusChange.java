package red.sessions.vyoma.bookings;

import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.kernel.Text;

/**
 * A change of a booking's status: the status to move to, a reason (only for cancelling, at most 500
 * characters, kept trimmed), and the version the caller last saw, if they named one.
 */
public record StatusChange(BookingStatus to, String reason, Integer expectedVersion) {

  static final int MAX_REASON = 500;

  public StatusChange {
    if (reason != null && to != BookingStatus.CANCELLED) {
      throw DomainException.invalid("reason is only for cancelling");
    }
    reason = reason == null ? null : Text.bounded(reason, "reason", 0, MAX_REASON);
  }

  /** A change to the status named: confirmed, cancelled or completed. */
  public static StatusChange to(String status, String reason, Integer expectedVersion) {
    return new StatusChange(BookingStatus.target(status), reason, expectedVersion);
  }
}
