package red.sessions.vyoma.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.kernel.TimeZones;
import red.sessions.vyoma.profiles.ProfileInput;
import red.sessions.vyoma.profiles.Role;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import static red.sessions.vyoma.api.JsonFields.optionalArray;
import static red.sessions.vyoma.api.JsonFields.optionalString;
import static red.sessions.vyoma.api.JsonFields.requiredObject;
import static red.sessions.vyoma.api.JsonFields.requiredString;
import static red.sessions.vyoma.kernel.Text.bounded;

/**
 * The request body of {@code POST /profiles}, read into the profiles domain's input. The whole profile is sent
 * each time: {@code name} and {@code email} are required, {@code bio} defaults to empty, {@code topics}
 * (teachers only) to none and {@code time_zone} (an IANA zone, for the user's emails) to none.
 */
public final class ProfileBodies {

  private static final Pattern EMAIL = Pattern.compile("^[^\\s@]+@[^\\s@.]+(\\.[^\\s@.]+)+$");

  private ProfileBodies() {
  }

  public static ProfileInput profile(JsonObject body) {
    String userId = bounded(requiredString(body, "user_id", "user_id"), "user_id", 1, ProfileInput.MAX_USER_ID);
    Role role = Role.fromWire(requiredString(body, "role", "role"));
    JsonObject data = requiredObject(body, "profile_data", "profile_data");
    String name = bounded(requiredString(data, "name", "profile_data.name"), "profile_data.name", 1, ProfileInput.MAX_NAME);
    String email = bounded(requiredString(data, "email", "profile_data.email"), "profile_data.email", 3,
      ProfileInput.MAX_EMAIL);
    if (!EMAIL.matcher(email).matches()) {
      throw DomainException.invalid("profile_data.email is not an email address");
    }
    String bio = optionalString(data, "bio", "profile_data.bio");
    bio = bio == null ? "" : bounded(bio, "profile_data.bio", 0, ProfileInput.MAX_BIO);
    String timeZone = optionalString(data, "time_zone", "profile_data.time_zone");
    if (timeZone != null) {
      TimeZones.of(timeZone, "profile_data.time_zone");
    }
    return new ProfileInput(userId, role, name, email, bio, topics(optionalArray(data, "topics", "profile_data.topics")),
      timeZone);
  }

  /** Trimmed topics, duplicates (ignoring case) dropped, in the order given. */
  private static List<String> topics(JsonArray values) {
    if (values == null) {
      return List.of();
    }
    if (values.size() > ProfileInput.MAX_TOPICS) {
      throw DomainException.invalid("profile_data.topics holds at most " + ProfileInput.MAX_TOPICS + " topics");
    }
    List<String> topics = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Object value : values) {
      if (!(value instanceof String text)) {
        throw DomainException.invalid("profile_data.topics must be an array of strings");
      }
      String topic = bounded(text, "each of profile_data.topics", 1, ProfileInput.MAX_TOPIC);
      if (seen.add(topic.toLowerCase(Locale.ROOT))) {
        topics.add(topic);
      }
    }
    return topics;
  }
}
