package red.sessions.vyoma.webhooks;

import io.vertx.core.Future;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.kernel.Page;

import java.util.List;
import java.util.UUID;

/** Webhooks, for admins only (the platform's own services subscribe), served on the event bus at {@link #ADDRESS}. */
public interface WebhookService {

  String ADDRESS = "vyoma.webhooks";

  /** A new, active webhook with its secret (shown only here and on rotation). */
  Future<Webhook.WithSecret> create(Caller caller, WebhookInput webhook);

  Future<List<Webhook>> list(Caller caller, Page page);

  Future<Webhook> get(Caller caller, UUID id);

  /** Changes the fields sent; turning it active again clears the reason it was turned off. */
  Future<Webhook> update(Caller caller, UUID id, WebhookInput change);

  /** Removes it with its deliveries. */
  Future<Void> delete(Caller caller, UUID id);

  /** Queues a {@code ping} event to this webhook alone. */
  Future<Void> ping(Caller caller, UUID id);

  /** A new secret; the previous one still signs for a day, so receivers can switch without losing deliveries. */
  Future<Webhook.WithSecret> rotateSecret(Caller caller, UUID id);

  /** The webhook's deliveries, newest first, in one status or all. */
  Future<List<Delivery>> deliveries(Caller caller, UUID id, String status, Page page);

  /** Sends a delivered or failed delivery again, now, with a fresh retry window. */
  Future<Delivery> redeliver(Caller caller, UUID id, UUID deliveryId);
}
