package red.sessions.vyoma.profiles;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.kernel.Times;

/** The profiles' wire format, in one place: a profile as the API answers it, and as a user's export holds it. */
public final class ProfileJson {

  private ProfileJson() {
  }

  /** The profile as the seed shows it; without {@code email} when the caller may not see it. */
  public static JsonObject profile(Profile profile) {
    JsonObject json = new JsonObject()
      .put("user_id", profile.userId())
      .put("role", profile.role().wire())
      .put("name", profile.name());
    if (profile.email() != null) {
      json.put("email", profile.email());
      json.put("time_zone", profile.timeZone());
    }
    return json
      .put("bio", profile.bio())
      .put("topics", new JsonArray(profile.topics()))
      .put("created_at", Times.format(profile.createdAt()))
      .put("updated_at", Times.format(profile.updatedAt()));
  }
}
