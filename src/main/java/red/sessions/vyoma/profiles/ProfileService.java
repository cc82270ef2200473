package red.sessions.vyoma.profiles;

import io.vertx.core.Future;
import red.sessions.vyoma.auth.Caller;

/**
 * The profiles domain, served on the event bus at {@link #ADDRESS}. Its tables ({@code profiles}, and
 * {@code profile_topics} and {@code profile_topic_keys}, which a trigger keeps in step with profiles' topics) are
 * read and written by this package alone; published for other domains' reads (views, migrations V15 and V16):
 * {@code profile_contacts} (V22: name, email and own time zone, for notifications/), {@code profile_roles} (who has a profile and in which role; locking a row of it locks the profile, as strongly,
 * to make changes with a user one at a time), {@code public_profiles} (a profile without its email),
 * {@code teacher_topics} (teachers' topics, lower-cased, by key) and {@code teacher_topic_keys} (the distinct
 * keys, under the trigram index, with how many teachers have each).
 */
public interface ProfileService {

  String ADDRESS = "vyoma.profiles";

  /** How an erased user is named wherever a profile is shown. */
  String ERASED_NAME = "Deleted user";

  /** The user's profile as the caller may see it (the email only when they may); not found without one. */
  Future<Profile> find(Caller caller, String userId);

  /** Creates or replaces the whole profile; only its own user (or an admin) may. */
  Future<SavedProfile> save(Caller caller, ProfileInput profile);

  /**
   * For erasures/: blanks the user's email, bio, topics and time zone and names them {@link #ERASED_NAME}, for
   * good (a later save is a conflict); the row and its id stay. Doing it again changes nothing more.
   */
  Future<Void> erase(String userId);
}
