package red.sessions.vyoma.auth;

import io.vertx.core.json.JsonObject;

import java.util.Arrays;

/** Who is calling: the token's subject, and whether the token carries the admin mark. */
public record Caller(String userId, boolean admin) {

  public JsonObject toJson() {
    return new JsonObject().put("user_id", userId).put("admin", admin);
  }

  public static Caller fromJson(JsonObject json) {
    return new Caller(json.getString("user_id"), json.getBoolean("admin", false));
  }

  /** True when the caller is the given user or an admin. */
  public boolean actsFor(String userId) {
    return admin || this.userId.equals(userId);
  }

  /** True when the caller is one of the given users (the two parties of a booking, say; null names no one) or an admin. */
  public boolean actsForOneOf(String... userIds) {
    return admin || Arrays.asList(userIds).contains(userId);
  }
}
