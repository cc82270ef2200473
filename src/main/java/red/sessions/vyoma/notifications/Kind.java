package red.sessions.vyoma.notifications;

import java.util.Arrays;

/** What an email is about, by its wire name (the {@code kind} of {@code GET /bookings/{id}/notifications}). */
public enum Kind {
  /** A student asked for a lesson: to the teacher. */
  BOOKING_REQUESTED("booking_requested"),
  /** The teacher confirmed: to the student. */
  BOOKING_CONFIRMED("booking_confirmed"),
  /** The lesson was moved: to the party who did not move it. */
  BOOKING_RESCHEDULED("booking_rescheduled"),
  /** The lesson was cancelled: to both parties. */
  BOOKING_CANCELLED("booking_cancelled"),
  /** A confirmed lesson comes up: to each party, at their own offsets. */
  REMINDER("reminder");

  private final String wire;

  Kind(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  static Kind fromWire(String value) {
    return Arrays.stream(values()).filter(kind -> kind.wire.equals(value)).findFirst()
      .orElseThrow(() -> new IllegalArgumentException("no notification kind " + value));
  }
}
