package red.sessions.vyoma.webhooks;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.kernel.Times;

/**
 * The webhooks' wire format, in one place: a webhook as the API answers it and as its ping carries it, the
 * secret shown once beside it, and a delivery of the log.
 */
public final class WebhookJson {

  private WebhookJson() {
  }

  public static JsonObject webhook(Webhook webhook) {
    return new JsonObject()
      .put("id", webhook.id().toString())
      .put("url", webhook.url())
      .put("events", new JsonArray(webhook.events()))
      .put("description", webhook.description())
      .put("active", webhook.active())
      .put("deactivated_reason", webhook.deactivatedReason())
      .put("created_at", Times.format(webhook.createdAt()))
      .put("updated_at", Times.format(webhook.updatedAt()));
  }

  /** A webhook as made or rotated: with the secret that signs its deliveries. */
  public static JsonObject withSecret(Webhook.WithSecret made) {
    return webhook(made.webhook()).put("secret", made.secret());
  }

  public static JsonObject delivery(Delivery delivery) {
    return new JsonObject()
      .put("id", delivery.id().toString())
      .put("webhook_id", delivery.webhookId().toString())
      .put("event_id", delivery.eventId().toString())
      .put("event_type", delivery.eventType())
      .put("status", delivery.status())
      .put("attempts", delivery.attempts())
      .put("next_attempt_at", delivery.nextAttempt() == null ? null : Times.format(delivery.nextAttempt()))
      .put("created_at", Times.format(delivery.createdAt()));
  }
}
