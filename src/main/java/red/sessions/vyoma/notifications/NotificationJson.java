package red.sessions.vyoma.notifications;

import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.kernel.Times;

/** The notifications' wire format, in one place: a notification as the API answers it, and as a user's export holds it. */
public final class NotificationJson {

  private NotificationJson() {
  }

  public static JsonObject notification(Notification notification) {
    return new JsonObject()
      .put("notification_id", notification.id().toString())
      .put("recipient", notification.recipient())
      .put("kind", notification.kind().wire())
      .put("minutes_before", notification.minutesBefore())
      .put("due_at", Times.format(notification.dueAt()))
      .put("status", notification.status())
      .put("sent_at", notification.sentAt() == null ? null : Times.format(notification.sentAt()))
      .put("attempts", notification.attempts())
      .put("error", notification.error())
      .put("created_at", Times.format(notification.createdAt()));
  }
}
