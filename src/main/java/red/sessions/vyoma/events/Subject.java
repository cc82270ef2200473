package red.sessions.vyoma.events;

import java.util.UUID;

/**
 * What an event is about: the booking of a lesson, and the session and meeting under it when the event
 * is theirs; a package of lessons, with the booking that used or gave back a lesson; or a series of weekly
 * lessons. {@code sequence} counts per booking, so a receiver orders all of one lesson's events, per package
 * for a package's and per series for a series'.
 */
public record Subject(UUID bookingId, UUID sessionId, String meetingId, UUID packageId, UUID seriesId) {

  public static Subject booking(UUID bookingId) {
    return new Subject(bookingId, null, null, null, null);
  }

  public static Subject session(UUID bookingId, UUID sessionId) {
    return new Subject(bookingId, sessionId, null, null, null);
  }

  public static Subject meeting(UUID bookingId, UUID sessionId, String meetingId) {
    return new Subject(bookingId, sessionId, meetingId, null, null);
  }

  /** A package's event, with the booking it came from, if any. */
  public static Subject lessons(UUID packageId, UUID bookingId) {
    return new Subject(bookingId, null, null, packageId, null);
  }

  /** A series' own event (its occurrences' are their bookings'). */
  public static Subject series(UUID seriesId) {
    return new Subject(null, null, null, null, seriesId);
  }

  /** What the event's {@code sequence} counts: the package's events, the series', or the lesson's. */
  UUID sequenceOf() {
    return packageId != null ? packageId : seriesId != null ? seriesId : bookingId;
  }
}
