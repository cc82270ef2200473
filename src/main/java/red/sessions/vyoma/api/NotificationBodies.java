package red.sessions.vyoma.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.notifications.Preferences;

import java.util.ArrayList;
import java.util.List;

/** The request body of {@code PUT /profiles/{user_id}/notifications}: the whole preferences, both fields required. */
final class NotificationBodies {

  private NotificationBodies() {
  }

  static Preferences preferences(JsonObject body) {
    if (!(body.getValue("email") instanceof Boolean email)) {
      throw DomainException.invalid("email is required, true or false");
    }
    JsonArray values = JsonFields.optionalArray(body, "reminders_minutes_before", "reminders_minutes_before");
    if (values == null) {
      throw DomainException.invalid("reminders_minutes_before is required (an empty array for no reminders)");
    }
    List<Integer> minutes = new ArrayList<>();
    for (Object value : values) {
      if (!(value instanceof Integer || value instanceof Long)) {
        throw DomainException.invalid("reminders_minutes_before must be an array of whole numbers of minutes");
      }
      long number = ((Number) value).longValue();
      if (number < 1 || number > Preferences.MAX_MINUTES_BEFORE) {
        throw DomainException.invalid("each of reminders_minutes_before must be 1 to " + Preferences.MAX_MINUTES_BEFORE);
      }
      minutes.add((int) number);
    }
    return new Preferences(email, minutes);
  }
}
