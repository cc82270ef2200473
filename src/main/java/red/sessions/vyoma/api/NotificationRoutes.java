package red.sessions.vyoma.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.notifications.NotificationJson;
import red.sessions.vyoma.notifications.NotificationService;
import red.sessions.vyoma.notifications.Preferences;

/**
 * Email notifications: each user's preferences ({@code /profiles/{user_id}/notifications}) and what was sent
 * about a booking ({@code /bookings/{booking_id}/notifications}). The one-click unsubscribe, which carries no
 * bearer, is mounted by {@link ApiRouter}.
 */
final class NotificationRoutes {

  static final String UNSUBSCRIBE = "/unsubscribe/:token";

  private NotificationRoutes() {
  }

  static void mount(Endpoints api, NotificationService notifications) {
    api.get("/profiles/:user_id/notifications", call -> notifications.preferences(call.caller(), call.path("user_id"))
      .map(preferences -> Reply.ok(json(preferences))));
    api.put("/profiles/:user_id/notifications", call -> notifications.setPreferences(call.caller(), call.path("user_id"),
        NotificationBodies.preferences(call.body()))
      .map(preferences -> Reply.ok(json(preferences))));
    api.get("/bookings/:booking_id/notifications", call -> notifications.ofBooking(call.caller(), call.pathUuid("booking_id"))
      .map(list -> Reply.ok(new JsonArray(list.stream().map(NotificationJson::notification).toList()))));
  }

  private static JsonObject json(Preferences preferences) {
    return new JsonObject().put("email", preferences.email())
      .put("reminders_minutes_before", new JsonArray(preferences.remindersMinutesBefore()));
  }
}
