package red.sessions.vyoma.events;

import java.util.Arrays;
import java.util.Optional;

/** The events the server emits, by their wire names; a webhook subscribes to them by name or by prefix. */
public enum EventType {
  BOOKING_CREATED("booking.created"),
  BOOKING_CONFIRMED("booking.confirmed"),
  BOOKING_CANCELLED("booking.cancelled"),
  BOOKING_COMPLETED("booking.completed"),
  BOOKING_RESCHEDULED("booking.rescheduled"),
  BOOKING_NO_SHOW("booking.no_show"),
  SESSION_CREATED("session.created"),
  SESSION_UPDATED("session.updated"),
  MEETING_STARTED("meeting.started"),
  MEETING_ENDED("meeting.ended"),
  ATTENDEE_JOINED("attendee.joined"),
  ATTENDANCE_JOINED("attendance.joined"),
  ATTENDANCE_LEFT("attendance.left"),
  REVIEW_CREATED("review.created"),
  PACKAGE_CREATED("package.created"),
  PACKAGE_LESSON_USED("package.lesson_used"),
  PACKAGE_LESSON_RETURNED("package.lesson_returned"),
  SERIES_CREATED("series.created"),
  SERIES_CONFIRMED("series.confirmed"),
  SERIES_CANCELLED("series.cancelled"),
  SERIES_RESCHEDULED("series.rescheduled"),
  SERIES_OCCURRENCE_SKIPPED("series.occurrence_skipped"),
  /** Sent to one webhook on request, to check that it receives and verifies deliveries. */
  PING("ping");

  private final String wire;

  EventType(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  public static Optional<EventType> fromWire(String value) {
    return Arrays.stream(values()).filter(type -> type.wire.equals(value)).findFirst();
  }

  /**
   * Whether a webhook's pattern names events that exist: {@code *}, an event's name, or a family's prefix
   * with {@code .*} ({@code booking.*}).
   */
  public static boolean isPattern(String pattern) {
    if (pattern.equals("*")) {
      return true;
    }
    if (pattern.endsWith(".*")) {
      String family = pattern.substring(0, pattern.length() - 1);
      return Arrays.stream(values()).anyMatch(type -> type != PING && type.wire.startsWith(family));
    }
    return fromWire(pattern).filter(type -> type != PING).isPresent();
  }
}
