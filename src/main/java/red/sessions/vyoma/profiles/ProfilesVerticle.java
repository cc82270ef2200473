package red.sessions.vyoma.profiles;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.bus.DomainVerticle;
import red.sessions.vyoma.bus.Echo;

import java.util.Map;

/**
 * Profiles: anyone signed in reads a profile, only its user (or an admin) writes it. The email is
 * shown only to the profile's own user, to users who share a booking with them, and to admins.
 */
public final class ProfilesVerticle extends DomainVerticle<ProfileService> implements ProfileService {

  private final ProfileStore store;

  public ProfilesVerticle(Pool pool) {
    super(ADDRESS, ProfileService.class, Map.of());
    this.store = new ProfileStore(pool);
  }

  @Override
  public Future<Profile> find(Caller caller, String userId) {
    return store.find(userId, caller)
      .map(found -> found.orElseThrow(() -> DomainException.notFound("no profile for user " + Echo.of(userId))));
  }

  @Override
  public Future<SavedProfile> save(Caller caller, ProfileInput profile) {
    if (!caller.actsFor(profile.userId())) {
      throw DomainException.forbidden("a profile can only be written by its own user");
    }
    return store.save(profile).map(saved -> saved.orElseThrow(() ->
      DomainException.conflict("the profile of " + Echo.of(profile.userId()) + " was erased; its id stays reserved")));
  }

  @Override
  public Future<Void> erase(String userId) {
    return store.erase(userId);
  }
}
