package red.sessions.vyoma.bookings;

import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.availability.Bookable;
import red.sessions.vyoma.packages.Ledger;

import java.time.OffsetDateTime;

/**
 * The teacher's cancellation policy as bookings keep it, written once: until when the student may cancel for
 * free ({@code free_cancellation_until}, set when the booking is made and when it moves), when a cancellation is
 * late, and what a cancellation does to the booking's lesson. The database applies it, on its own clock, inside
 * the compare-and-set of the change; Java only computes the instant for a new time and reads the verdict back.
 */
final class CancellationPolicy {

  /**
   * The booking's {@code free_cancellation_until} after a move, as SQL ({@code free_until}: the new time's, by
   * {@link #freeUntil}; {@code by_student}: whether the booking's student moved it, acting for themselves). A
   * student moving before theirs is over could as well cancel and book the new time, so the new time's applies;
   * once it is over, the lesson stays late wherever the student moves it. The teacher's (or an admin's) move gives
   * the new time's too, but never makes the student late: a lesson they move inside that window can be cancelled
   * for free until its new start.
   */
  static final String AFTER_MOVE = """
    CASE
      WHEN #{by_student} AND now() > free_cancellation_until
        THEN LEAST(free_cancellation_until, #{free_until}::timestamptz)
      WHEN #{by_student} OR #{free_until}::timestamptz > now() THEN #{free_until}::timestamptz
      ELSE #{start_time}::timestamptz END""";

  /**
   * Whether a cancellation by the caller ({@code caller}, {@code admin}) is late, as SQL: the booking's student,
   * acting for themselves, after their free cancellation is over. The teacher or an admin is never late.
   */
  static final String LATE = "NOT #{admin} AND student_id = #{caller} AND now() > free_cancellation_until";

  private CancellationPolicy() {
  }

  /** Until when the teacher's policy lets the student cancel a lesson starting at {@code start} for free. */
  static OffsetDateTime freeUntil(Bookable bookable, OffsetDateTime start) {
    return start.minusHours(bookable.schedule().rules().freeCancellationHours());
  }

  /** What a cancellation does to the booking's lesson: only a student's late one keeps it used. */
  static Ledger.Reason ledgerReason(Booking cancelled, Caller caller) {
    if (cancelled.lateCancellation()) {
      return Ledger.Reason.LATE_CANCELLATION;
    }
    return cancelled.isStudent(caller) ? Ledger.Reason.CANCELLED_IN_TIME : Ledger.Reason.TEACHER_CANCELLED;
  }

  /** The change to the package's {@code remaining}: a lesson back, unless the cancellation was late. */
  static int lessonsBack(Booking cancelled) {
    return cancelled.lateCancellation() ? 0 : 1;
  }
}
