package red.sessions.vyoma.auth;

/** Who is calling: the token's subject, and whether the token carries the admin mark. */
public record Caller(String userId, boolean admin) {

  /** True when the caller is the given user or an admin. */
  public boolean actsFor(String userId) {
    return admin || this.userId.equals(userId);
  }

  /**
   * True when the caller is the student or the teacher (either may be null, naming no one) of what is between
   * them (a booking, a package, a listing of either), or an admin: the one rule of who may see and act on it.
   */
  public boolean isPartyTo(String studentId, String teacherId) {
    return admin || userId.equals(studentId) || userId.equals(teacherId);
  }
}
