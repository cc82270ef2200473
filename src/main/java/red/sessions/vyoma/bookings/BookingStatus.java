package red.sessions.vyoma.bookings;

import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.events.EventType;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A booking's lifecycle: pending → confirmed (by the teacher) → completed (by either party);
 * pending or confirmed → cancelled (by either party). Nothing else moves, and nothing moves back.
 */
public enum BookingStatus {
  PENDING(List.of(), false, EventType.BOOKING_CREATED),
  CONFIRMED(List.of("pending"), true, EventType.BOOKING_CONFIRMED),
  COMPLETED(List.of("confirmed"), false, EventType.BOOKING_COMPLETED),
  CANCELLED(List.of("pending", "confirmed"), false, EventType.BOOKING_CANCELLED);

  /** The statuses a booking may be in to move to this one. */
  private final List<String> reachableFrom;
  private final boolean teacherOnly;
  /** What a booking reaching this status emits. */
  private final EventType event;

  BookingStatus(List<String> reachableFrom, boolean teacherOnly, EventType event) {
    this.reachableFrom = reachableFrom;
    this.teacherOnly = teacherOnly;
    this.event = event;
  }

  EventType event() {
    return event;
  }

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  String[] reachableFrom() {
    return reachableFrom.toArray(String[]::new);
  }

  boolean isReachableFrom(String status) {
    return reachableFrom.contains(status);
  }

  boolean teacherOnly() {
    return teacherOnly;
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
