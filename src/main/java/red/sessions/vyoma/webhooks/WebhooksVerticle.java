package red.sessions.vyoma.webhooks;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.bus.DomainVerticle;
import red.sessions.vyoma.kernel.Page;
import red.sessions.vyoma.platform.OutboundTargets;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Webhooks as admins manage them. A URL is checked against {@link OutboundTargets} when it is set, on this
 * worker thread (the check resolves the host); sending is the {@link WebhookDispatcher}'s.
 */
public final class WebhooksVerticle extends DomainVerticle<WebhookService> implements WebhookService {

  private static final Set<String> STATUSES = Set.of("pending", "delivered", "failed");

  private final WebhookStore store;
  private final OutboundTargets targets;

  /**
   * @param config the {@code webhooks} section
   */
  public WebhooksVerticle(Pool pool, JsonObject config) {
    super(ADDRESS, WebhookService.class, Map.of());
    this.store = new WebhookStore(pool);
    this.targets = new OutboundTargets(config.getBoolean("allow_private_targets"));
  }

  @Override
  public Future<Webhook.WithSecret> create(Caller caller, WebhookInput webhook) {
    requireAdmin(caller);
    targets.resolve(webhook.url());
    return store.create(webhook);
  }

  @Override
  public Future<List<Webhook>> list(Caller caller, Page page) {
    requireAdmin(caller);
    return store.list(page);
  }

  @Override
  public Future<Webhook> get(Caller caller, UUID id) {
    requireAdmin(caller);
    return store.find(id);
  }

  @Override
  public Future<Webhook> update(Caller caller, UUID id, WebhookInput change) {
    requireAdmin(caller);
    if (change.url() != null) {
      targets.resolve(change.url());
    }
    return store.update(id, change);
  }

  @Override
  public Future<Void> delete(Caller caller, UUID id) {
    requireAdmin(caller);
    return store.delete(id);
  }

  @Override
  public Future<Void> ping(Caller caller, UUID id) {
    requireAdmin(caller);
    return store.find(id).compose(store::ping);
  }

  @Override
  public Future<Webhook.WithSecret> rotateSecret(Caller caller, UUID id) {
    requireAdmin(caller);
    return store.rotateSecret(id);
  }

  @Override
  public Future<List<Delivery>> deliveries(Caller caller, UUID id, String status, Page page) {
    requireAdmin(caller);
    if (status != null && !STATUSES.contains(status)) {
      throw DomainException.invalid("status must be pending, delivered or failed");
    }
    return store.find(id).compose(webhook -> store.deliveries(id, status, page));
  }

  @Override
  public Future<Delivery> redeliver(Caller caller, UUID id, UUID deliveryId) {
    requireAdmin(caller);
    return store.redeliver(id, deliveryId);
  }

  private static void requireAdmin(Caller caller) {
    if (!caller.admin()) {
      throw DomainException.forbidden("webhooks are managed by admins only");
    }
  }
}
