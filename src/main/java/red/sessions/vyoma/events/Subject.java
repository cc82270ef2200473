package red.sessions.vyoma.events;

import java.util.UUID;

/**
 * What an event is about: the booking of a lesson, and the session and meeting under it when the event
 * is theirs; or a package of lessons, with the booking that used or gave back a lesson. {@code sequence}
 * counts per booking, so a receiver orders all of one lesson's events, and per package for a package's.
 */
public record Subject(UUID bookingId, UUID sessionId, String meetingId, UUID packageId) {

  public static Subject booking(UUID bookingId) {
    return new Subject(bookingId, null, null, null);
  }

  public static Subject session(UUID bookingId, UUID sessionId) {
    return new Subject(bookingId, sessionId, null, null);
  }

  public static Subject meeting(UUID bookingId, UUID sessionId, String meetingId) {
    return new Subject(bookingId, sessionId, meetingId, null);
  }

  /** A package's event, with the booking it came from, if any. */
  public static Subject lessons(UUID packageId, UUID bookingId) {
    return new Subject(bookingId, null, null, packageId);
  }

  /** What the event's {@code sequence} counts: the package's events, or the lesson's. */
  UUID sequenceOf() {
    return packageId != null ? packageId : bookingId;
  }
}
