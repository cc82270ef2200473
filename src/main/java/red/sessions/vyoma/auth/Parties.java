package red.sessions.vyoma.auth;

import red.sessions.vyoma.bus.DomainException;

/** Who may see and list what is between a student and a teacher (bookings, packages). */
public final class Parties {

  /** What is between a student and a teacher: a booking, a package. */
  public interface Between {

    String studentId();

    String teacherId();
  }

  private Parties() {
  }

  /** The thing, to its student, its teacher or an admin; 403 to anyone else. */
  public static <T extends Between> T seenBy(Caller caller, T thing, String what) {
    if (!caller.isPartyTo(thing.studentId(), thing.teacherId())) {
      throw DomainException.forbidden("only the " + what + "'s student and teacher may see it");
    }
    return thing;
  }

  /**
   * A listing names the student, the teacher or both (400 otherwise), and is for those users or an admin
   * (403 otherwise).
   */
  public static void requireListing(Caller caller, String studentId, String teacherId, String things) {
    if (studentId == null && teacherId == null) {
      throw DomainException.invalid("a listing names its student, its teacher or both");
    }
    if (!caller.isPartyTo(studentId, teacherId)) {
      throw DomainException.forbidden("you may list only your own " + things);
    }
  }
}
