package red.sessions.vyoma.webhooks;

import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Row;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * One event to one webhook, with every attempt made to send it.
 *
 * @param attempts    each attempt's time, status code (null when none came), error, duration, oldest first
 * @param nextAttempt when it will be sent (again); null once delivered or failed
 */
public record Delivery(UUID id, UUID webhookId, UUID eventId, String eventType, String status, JsonArray attempts,
                       OffsetDateTime nextAttempt, OffsetDateTime createdAt) {

  static Delivery of(Row row) {
    return new Delivery(row.getUUID("id"), row.getUUID("webhook_id"), row.getUUID("event_id"), row.getString("type"),
      row.getString("status"), (JsonArray) row.getValue("attempts"), row.getOffsetDateTime("next_attempt_at"),
      row.getOffsetDateTime("created_at"));
  }
}
