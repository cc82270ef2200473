package red.sessions.vyoma.auth;

import red.sessions.vyoma.bus.DomainException;

/** Who may list what is between a student and a teacher (bookings, packages). */
public final class Parties {

  private Parties() {
  }

  /**
   * A listing names the student, the teacher or both (400 otherwise), and is for those users or an admin
   * (403 otherwise).
   */
  public static void requireListing(Caller caller, String studentId, String teacherId, String things) {
    if (studentId == null && teacherId == null) {
      throw DomainException.invalid("query parameter student_id or teacher_id is required");
    }
    if (!caller.isPartyTo(studentId, teacherId)) {
      throw DomainException.forbidden("you may list only your own " + things);
    }
  }
}
