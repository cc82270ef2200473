package red.sessions.vyoma.webhooks;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.events.Outbox;
import red.sessions.vyoma.kernel.Page;
import red.sessions.vyoma.platform.Rows;
import red.sessions.vyoma.platform.Sql;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The webhooks SQL, as admins manage them; sending is {@link DeliveryStore}'s. */
final class WebhookStore {

  private static final String INSERT = """
    INSERT INTO webhooks (url, events, description, secret) VALUES (#{url}, #{events}, #{description}, #{secret})
    RETURNING\s""" + Webhook.COLUMNS;
  private static final String LIST = "SELECT " + Webhook.COLUMNS
    + " FROM webhooks ORDER BY created_at, id LIMIT #{limit} OFFSET #{offset}";
  private static final String FIND = "SELECT " + Webhook.COLUMNS + " FROM webhooks WHERE id = #{id}";
  // A field not sent stays as it is. Turning a webhook on clears why it was off; an admin turning it off says so.
  private static final String UPDATE = """
    UPDATE webhooks
       SET url = coalesce(#{url}, url),
           events = coalesce(#{events}, events),
           description = coalesce(#{description}, description),
           active = coalesce(#{active}, active),
           deactivated_reason = CASE WHEN #{active} THEN NULL
                                     WHEN NOT #{active} THEN 'turned off by an admin'
                                     ELSE deactivated_reason END,
           updated_at = now()
     WHERE id = #{id}
    RETURNING\s""" + Webhook.COLUMNS;
  private static final String DELETE = "DELETE FROM webhooks WHERE id = #{id}";
  private static final String ROTATE = """
    UPDATE webhooks
       SET previous_secret = secret, previous_secret_expires_at = now() + interval '24 hours', secret = #{secret},
           updated_at = now()
     WHERE id = #{id}
    RETURNING\s""" + Webhook.COLUMNS;

  private static final String DELIVERY_COLUMNS = """
    SELECT d.id, d.webhook_id, d.event_id, e.type, d.status, d.created_at,
           CASE WHEN d.status = 'pending' THEN d.next_attempt_at END AS next_attempt_at,
           coalesce((SELECT json_agg(json_build_object(
                       'attempt', a.attempt,
                       'attempted_at', to_char(a.attempted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                       'status_code', a.status_code, 'error', a.error, 'duration_ms', a.duration_ms) ORDER BY a.attempt)
                       FROM webhook_attempts a WHERE a.delivery_id = d.id), '[]'::json) AS attempts
      FROM webhook_deliveries d JOIN event_envelopes e ON e.id = d.event_id""";
  private static final String DELIVERIES = DELIVERY_COLUMNS + """

     WHERE d.webhook_id = #{id} AND (#{status}::text IS NULL OR d.status = #{status})
     ORDER BY d.created_at DESC, d.id
     LIMIT #{limit} OFFSET #{offset}""";
  private static final String DELIVERY = DELIVERY_COLUMNS + " WHERE d.id = #{delivery_id} AND d.webhook_id = #{id}";
  // A webhook deleted since it was read gets nothing, as the fan-out would give it.
  private static final String QUEUE_PING = """
    INSERT INTO webhook_deliveries (webhook_id, event_id) SELECT id, #{event_id} FROM webhooks WHERE id = #{webhook_id}""";
  // Only a delivery that is finished is sent again: a pending one may be in flight on some node right now.
  private static final String REDELIVER = """
    UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = now(), retry_from = now(), finished_at = NULL
     WHERE id = #{delivery_id} AND webhook_id = #{id} AND status <> 'pending'""";

  private final Pool pool;

  WebhookStore(Pool pool) {
    this.pool = pool;
  }

  Future<Webhook.WithSecret> create(WebhookInput input) {
    String secret = WebhookSignature.newSecret();
    Map<String, Object> params = new HashMap<>();
    params.put("url", input.url());
    params.put("events", input.events().toArray(String[]::new));
    params.put("description", input.description());
    params.put("secret", secret);
    return Sql.update(pool, INSERT).mapTo(Webhook::of).execute(params)
      .map(rows -> new Webhook.WithSecret(rows.iterator().next(), secret));
  }

  Future<List<Webhook>> list(Page page) {
    return Sql.query(pool, LIST).mapTo(Webhook::of)
      .execute(page.params()).map(Rows::toList);
  }

  Future<Webhook> find(UUID id) {
    return Sql.query(pool, FIND).mapTo(Webhook::of).execute(Map.of("id", id))
      .map(rows -> Rows.first(rows).orElseThrow(() -> notFound(id)));
  }

  Future<Webhook> update(UUID id, WebhookInput change) {
    Map<String, Object> params = new HashMap<>();
    params.put("id", id);
    params.put("url", change.url());
    params.put("events", change.events() == null ? null : change.events().toArray(String[]::new));
    params.put("description", change.description());
    params.put("active", change.active());
    return Sql.update(pool, UPDATE).mapTo(Webhook::of).execute(params)
      .map(rows -> Rows.first(rows).orElseThrow(() -> notFound(id)));
  }

  Future<Void> delete(UUID id) {
    return Sql.update(pool, DELETE).execute(Map.of("id", id)).map(deleted -> {
      if (deleted.rowCount() == 0) {
        throw notFound(id);
      }
      return null;
    });
  }

  /**
   * Puts the ping in the outbox and queues its delivery to this webhook alone, in one transaction, so it is
   * delivered (and retried) as any event is; the fan-out passes pings by.
   */
  Future<Void> ping(Webhook webhook) {
    if (!webhook.active()) {
      throw DomainException.conflict("the webhook is not active; only an active webhook is pinged");
    }
    return pool.withTransaction(connection -> Outbox.ping(connection, webhook.id(), WebhookJson.webhook(webhook))
      .compose(eventId -> Sql.update(connection, QUEUE_PING)
        .execute(Map.of("webhook_id", webhook.id(), "event_id", eventId)))
      .mapEmpty());
  }

  Future<Webhook.WithSecret> rotateSecret(UUID id) {
    String secret = WebhookSignature.newSecret();
    return Sql.update(pool, ROTATE).mapTo(Webhook::of).execute(Map.of("id", id, "secret", secret))
      .map(rows -> new Webhook.WithSecret(Rows.first(rows).orElseThrow(() -> notFound(id)), secret));
  }

  Future<List<Delivery>> deliveries(UUID id, String status, Page page) {
    Map<String, Object> params = page.params();
    params.put("id", id);
    params.put("status", status);
    return Sql.query(pool, DELIVERIES).mapTo(Delivery::of).execute(params).map(Rows::toList);
  }

  Future<Delivery> redeliver(UUID id, UUID deliveryId) {
    Map<String, Object> params = Map.of("id", id, "delivery_id", deliveryId);
    return Sql.update(pool, REDELIVER).execute(params)
      .compose(updated -> Sql.query(pool, DELIVERY).mapTo(Delivery::of).execute(params)
        .map(rows -> {
          Delivery delivery = Rows.first(rows).orElseThrow(() -> DomainException.notFound(
            "webhook " + id + " has no delivery " + deliveryId));
          if (updated.rowCount() == 0) {
            throw DomainException.conflict("the delivery is still pending; it will be sent at next_attempt_at");
          }
          return delivery;
        }));
  }

  static DomainException notFound(UUID id) {
    return DomainException.notFound("no webhook " + id);
  }
}
