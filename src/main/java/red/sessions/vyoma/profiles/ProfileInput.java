package red.sessions.vyoma.profiles;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.bus.DomainException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import static red.sessions.vyoma.kernel.JsonFields.bounded;
import static red.sessions.vyoma.kernel.JsonFields.optionalArray;
import static red.sessions.vyoma.kernel.JsonFields.optionalString;
import static red.sessions.vyoma.kernel.JsonFields.requiredObject;
import static red.sessions.vyoma.kernel.JsonFields.requiredString;

/**
 * A validated {@code POST /profiles} body. The whole profile is sent each time: {@code name} and
 * {@code email} are required, {@code bio} defaults to empty and {@code topics} (teachers only) to none.
 */
public record ProfileInput(String userId, Role role, String name, String email, String bio, List<String> topics) {

  static final int MAX_USER_ID = 128;
  static final int MAX_NAME = 100;
  static final int MAX_EMAIL = 254;
  static final int MAX_BIO = 2000;
  static final int MAX_TOPICS = 20;
  static final int MAX_TOPIC = 50;

  private static final Pattern EMAIL = Pattern.compile("^[^\\s@]+@[^\\s@.]+(\\.[^\\s@.]+)+$");

  public static ProfileInput parse(JsonObject body) {
    String userId = bounded(requiredString(body, "user_id", "user_id"), "user_id", 1, MAX_USER_ID);
    Role role = Role.fromWire(requiredString(body, "role", "role"));
    JsonObject data = requiredObject(body, "profile_data", "profile_data");
    String name = bounded(requiredString(data, "name", "profile_data.name"), "profile_data.name", 1, MAX_NAME);
    String email = bounded(requiredString(data, "email", "profile_data.email"), "profile_data.email", 3, MAX_EMAIL);
    if (!EMAIL.matcher(email).matches()) {
      throw DomainException.invalid("profile_data.email is not an email address");
    }
    String bio = optionalString(data, "bio", "profile_data.bio");
    bio = bio == null ? "" : bounded(bio, "profile_data.bio", 0, MAX_BIO);
    List<String> topics = topics(optionalArray(data, "topics", "profile_data.topics"));
    if (role != Role.TEACHER && !topics.isEmpty()) {
      throw DomainException.invalid("profile_data.topics is only for teachers");
    }
    return new ProfileInput(userId, role, name, email, bio, topics);
  }

  /** Trimmed topics, duplicates (ignoring case) dropped, in the order given. */
  private static List<String> topics(JsonArray values) {
    if (values == null) {
      return List.of();
    }
    if (values.size() > MAX_TOPICS) {
      throw DomainException.invalid("profile_data.topics holds at most " + MAX_TOPICS + " topics");
    }
    List<String> topics = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Object value : values) {
      if (!(value instanceof String text)) {
        throw DomainException.invalid("profile_data.topics must be an array of strings");
      }
      String topic = bounded(text, "each of profile_data.topics", 1, MAX_TOPIC);
      if (seen.add(topic.toLowerCase(Locale.ROOT))) {
        topics.add(topic);
      }
    }
    return topics;
  }
}
