package red.sessions.vyoma.profiles;

import io.vertx.core.Future;
import red.sessions.vyoma.auth.Caller;

/** The profiles domain, served on the event bus at {@link #ADDRESS}. */
public interface ProfileService {

  String ADDRESS = "vyoma.profiles";

  /** The user's profile as the caller may see it (the email only when they may); not found without one. */
  Future<Profile> find(Caller caller, String userId);

  /** Creates or replaces the whole profile; only its own user (or an admin) may. */
  Future<SavedProfile> save(Caller caller, ProfileInput profile);
}
