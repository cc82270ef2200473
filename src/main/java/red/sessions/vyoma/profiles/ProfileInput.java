package red.sessions.vyoma.profiles;

import red.sessions.vyoma.bus.DomainException;

import java.util.List;

/**
 * A whole profile as its user saves it: {@code bio} may be empty and {@code topics} are a teacher's only;
 * {@code timeZone} (an IANA name, or null) is the zone the user's emails show times in.
 */
public record ProfileInput(String userId, Role role, String name, String email, String bio, List<String> topics,
                           String timeZone) {

  public static final int MAX_USER_ID = 128;
  public static final int MAX_NAME = 100;
  public static final int MAX_EMAIL = 254;
  public static final int MAX_BIO = 2000;
  public static final int MAX_TOPICS = 20;
  public static final int MAX_TOPIC = 50;

  public ProfileInput {
    if (role != Role.TEACHER && !topics.isEmpty()) {
      throw DomainException.invalid("profile_data.topics is only for teachers");
    }
  }
}
