package red.sessions.vyoma.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.kernel.Times;
import red.sessions.vyoma.profiles.Profile;
import red.sessions.vyoma.profiles.ProfileService;

/** {@code /profiles}: the seed's shapes for reading and saving a profile. */
final class ProfileRoutes {

  private ProfileRoutes() {
  }

  static void mount(Endpoints api, ProfileService profiles) {
    api.get("/profiles", call -> profiles.find(call.caller(), call.requiredQuery("user_id"))
      .map(profile -> Reply.ok(new JsonObject().put("profile", json(profile)))));
    api.post("/profiles", call -> profiles.save(call.caller(), ProfileBodies.profile(call.body()))
      .map(saved -> Reply.createdOrOk(saved.created(), new JsonObject()
        .put("profile_id", saved.profileId().toString())
        .put("message", saved.created() ? "Profile created successfully" : "Profile updated successfully"))));
  }

  /** The profile as the seed shows it; without {@code email} when the caller may not see it. */
  private static JsonObject json(Profile profile) {
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
