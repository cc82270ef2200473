package red.sessions.vyoma.bookings;

import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.events.EventType;

import java.util.Arrays;
import java.util.Locale;

/**
 * Where a booking is in its lifecycle: pending, then confirmed, then completed or cancelled. Who moves it from
 * where to where, and when, is {@link Transition}'s table.
 */
public enum BookingStatus {
  PENDING(EventType.BOOKING_CREATED),
  CONFIRMED(EventType.BOOKING_CONFIRMED),
  COMPLETED(EventType.BOOKING_COMPLETED),
  CANCELLED(EventType.BOOKING_CANCELLED);

  /** What a booking reaching this status emits. */
  private final EventType event;

  BookingStatus(EventType event) {
    this.event = event;
  }

  EventType event() {
    return event;
  }

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  static BookingStatus fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }

  /** A status a booking can be changed to; {@code pending} is only ever the first. */
  static BookingStatus target(String value) {
    return Arrays.stream(values())
      .filter(status -> status != PENDING && status.wire().equals(value))
      .findFirst()
      .orElseThrow(() -> DomainException.invalid("status must be confirmed, cancelled or completed"));
  }
}
