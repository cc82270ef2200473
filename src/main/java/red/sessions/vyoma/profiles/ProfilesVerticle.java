package red.sessions.vyoma.profiles;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import red.sessions.vyoma.bus.ApiException;
import red.sessions.vyoma.bus.ApiReply;
import red.sessions.vyoma.bus.ApiRequest;
import red.sessions.vyoma.bus.DomainVerticle;

import java.util.Map;
import java.util.function.Function;

/**
 * Profiles: anyone signed in reads a profile, only its user (or an admin) writes it. The email is
 * shown only to the profile's own user, to users who share a booking with them, and to admins.
 */
public final class ProfilesVerticle extends DomainVerticle {

  private final ProfileStore store;

  public ProfilesVerticle(Pool pool) {
    super(ProfilesApi.ADDRESS, Map.of());
    this.store = new ProfileStore(pool);
  }

  @Override
  protected Map<String, Function<ApiRequest, Future<ApiReply>>> actions() {
    return Map.of(
      ProfilesApi.GET, this::get,
      ProfilesApi.SAVE, this::save);
  }

  private Future<ApiReply> get(ApiRequest request) {
    String userId = request.requiredQuery("user_id");
    return store.find(userId, request.caller()).map(found -> ApiReply.ok(new JsonObject()
      .put("profile", found.orElseThrow(() -> ApiException.notFound("no profile for user " + userId)))));
  }

  private Future<ApiReply> save(ApiRequest request) {
    ProfileInput input = ProfileInput.parse(request.requiredBody(), request.caller());
    return store.save(input).map(saved -> {
      JsonObject body = new JsonObject()
        .put("profile_id", saved.profileId())
        .put("message", saved.created() ? "Profile created successfully" : "Profile updated successfully");
      return saved.created() ? ApiReply.created(body) : ApiReply.ok(body);
    });
  }
}
