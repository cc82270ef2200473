package red.sessions.vyoma.auth;

import java.util.Arrays;

/** Who is calling: the token's subject, and whether the token carries the admin mark. */
public record Caller(String userId, boolean admin) {

  /** True when the caller is the given user or an admin. */
  public boolean actsFor(String userId) {
    return admin || this.userId.equals(userId);
  }

  /** True when the caller is one of the given users (the two parties of a booking, say; null names no one) or an admin. */
  public boolean actsForOneOf(String... userIds) {
    return admin || Arrays.asList(userIds).contains(userId);
  }
}
