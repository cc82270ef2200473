package red.sessions.vyoma.notifications;

import java.util.Arrays;

/** What an email is about, by its wire name (the {@code kind} of {@code GET /bookings/{id}/notifications}). */
public enum Kind {
  /** A student asked for a lesson: to the teacher. */
  BOOKING_REQUESTED("booking_requested", false),
  /** The teacher confirmed: to the student. */
  BOOKING_CONFIRMED("booking_confirmed", true),
  /** The lesson was moved: to the party who did not move it. */
  BOOKING_RESCHEDULED("booking_rescheduled", true),
  /** The lesson was cancelled: to the party who did not cancel it (both, when an admin did). */
  BOOKING_CANCELLED("booking_cancelled", true),
  /** A confirmed lesson comes up: to each party, at their own offsets. */
  REMINDER("reminder", false),
  /** A student asked for weekly lessons: to the teacher, one email listing the occurrences. */
  SERIES_REQUESTED("series_requested", false),
  /** An occurrence of a series could not be booked when it came inside the booking window: to both parties. */
  SERIES_OCCURRENCE_SKIPPED("series_occurrence_skipped", false);

  private final String wire;
  private final boolean invites;

  Kind(String wire, boolean invites) {
    this.wire = wire;
    this.invites = invites;
  }

  public String wire() {
    return wire;
  }

  /**
   * Whether its email carries the lesson as a calendar invitation: those that change the recipient's calendar. A
   * request does not (the teacher has not accepted it yet), nor does a reminder (nothing changed).
   */
  boolean invites() {
    return invites;
  }

  static Kind fromWire(String value) {
    return Arrays.stream(values()).filter(kind -> kind.wire.equals(value)).findFirst()
      .orElseThrow(() -> new IllegalArgumentException("no notification kind " + value));
  }
}
