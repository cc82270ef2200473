package red.sessions.vyoma.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.webhooks.WebhookJson;
import red.sessions.vyoma.webhooks.WebhookService;

/** {@code /webhooks}: admins' subscriptions, their pings, secrets and delivery log. */
final class WebhookRoutes {

  private WebhookRoutes() {
  }

  static void mount(Endpoints api, WebhookService webhooks) {
    api.post("/webhooks", call -> webhooks.create(call.caller(), WebhookBodies.newWebhook(call.body()))
      .map(created -> Reply.created(WebhookJson.withSecret(created))));
    api.get("/webhooks", call -> webhooks.list(call.caller(), call.page())
      .map(list -> Reply.ok(new JsonArray(list.stream().map(WebhookJson::webhook).toList()))));
    api.get("/webhooks/:id", call -> webhooks.get(call.caller(), call.pathUuid("id"))
      .map(webhook -> Reply.ok(WebhookJson.webhook(webhook))));
    api.patch("/webhooks/:id", call -> webhooks.update(call.caller(), call.pathUuid("id"), WebhookBodies.change(call.body()))
      .map(webhook -> Reply.ok(WebhookJson.webhook(webhook))));
    api.delete("/webhooks/:id", call -> webhooks.delete(call.caller(), call.pathUuid("id"))
      .map(v -> Reply.ok(new JsonObject().put("message", "Webhook deleted successfully"))));
    api.post("/webhooks/:id/ping", call -> webhooks.ping(call.caller(), call.pathUuid("id"))
      .map(v -> Reply.accepted(new JsonObject().put("message", "Ping queued; see the webhook's deliveries"))));
    api.post("/webhooks/:id/rotate-secret", call -> webhooks.rotateSecret(call.caller(), call.pathUuid("id"))
      .map(rotated -> Reply.ok(WebhookJson.withSecret(rotated))));
    api.get("/webhooks/:id/deliveries", call -> webhooks.deliveries(call.caller(), call.pathUuid("id"),
        call.query("status"), call.page())
      .map(list -> Reply.ok(new JsonArray(list.stream().map(WebhookJson::delivery).toList()))));
    api.post("/webhooks/:id/deliveries/:delivery_id/redeliver", call -> webhooks.redeliver(call.caller(),
        call.pathUuid("id"), call.pathUuid("delivery_id"))
      .map(delivery -> Reply.accepted(WebhookJson.delivery(delivery))));
  }
}
