package red.sessions.vyoma.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.webhooks.Delivery;
import red.sessions.vyoma.webhooks.Webhook;
import red.sessions.vyoma.webhooks.WebhookInput;
import red.sessions.vyoma.webhooks.WebhookService;

/** {@code /webhooks}: admins' subscriptions, their pings, secrets and delivery log. */
final class WebhookRoutes {

  private WebhookRoutes() {
  }

  static void mount(Endpoints api, WebhookService webhooks) {
    api.post("/webhooks", call -> webhooks.create(call.caller(), WebhookInput.parseNew(call.body()))
      .map(created -> Reply.created(created.toJson())));
    api.get("/webhooks", call -> webhooks.list(call.caller(), call.page())
      .map(list -> Reply.ok(new JsonArray(list.stream().map(Webhook::toJson).toList()))));
    api.get("/webhooks/:id", call -> webhooks.get(call.caller(), call.pathUuid("id"))
      .map(webhook -> Reply.ok(webhook.toJson())));
    api.patch("/webhooks/:id", call -> webhooks.update(call.caller(), call.pathUuid("id"), WebhookInput.parseChange(call.body()))
      .map(webhook -> Reply.ok(webhook.toJson())));
    api.delete("/webhooks/:id", call -> webhooks.delete(call.caller(), call.pathUuid("id"))
      .map(v -> Reply.ok(new JsonObject().put("message", "Webhook deleted successfully"))));
    api.post("/webhooks/:id/ping", call -> webhooks.ping(call.caller(), call.pathUuid("id"))
      .map(v -> Reply.accepted(new JsonObject().put("message", "Ping queued; see the webhook's deliveries"))));
    api.post("/webhooks/:id/rotate-secret", call -> webhooks.rotateSecret(call.caller(), call.pathUuid("id"))
      .map(rotated -> Reply.ok(rotated.toJson())));
    api.get("/webhooks/:id/deliveries", call -> webhooks.deliveries(call.caller(), call.pathUuid("id"),
        call.query("status"), call.page())
      .map(list -> Reply.ok(new JsonArray(list.stream().map(Delivery::toJson).toList()))));
    api.post("/webhooks/:id/deliveries/:delivery_id/redeliver", call -> webhooks.redeliver(call.caller(),
        call.pathUuid("id"), call.pathUuid("delivery_id"))
      .map(delivery -> Reply.accepted(delivery.toJson())));
  }
}
