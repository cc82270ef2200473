package red.sessions.vyoma.api;

import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.profiles.ProfileJson;
import red.sessions.vyoma.profiles.ProfileService;

/** {@code /profiles}: the seed's shapes for reading and saving a profile. */
final class ProfileRoutes {

  private ProfileRoutes() {
  }

  static void mount(Endpoints api, ProfileService profiles) {
    api.get("/profiles", call -> profiles.find(call.caller(), call.requiredQuery("user_id"))
      .map(profile -> Reply.ok(new JsonObject().put("profile", ProfileJson.profile(profile)))));
    api.post("/profiles", call -> profiles.save(call.caller(), ProfileBodies.profile(call.body()))
      .map(saved -> Reply.createdOrOk(saved.created(), new JsonObject()
        .put("profile_id", saved.profileId().toString())
        .put("message", saved.created() ? "Profile created successfully" : "Profile updated successfully"))));
  }
}
