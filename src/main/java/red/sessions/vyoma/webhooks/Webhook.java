package red.sessions.vyoma.webhooks;

import io.vertx.sqlclient.Row;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * A subscription of one of the platform's services to events. Its secret is never part of it: it is shown
 * once, when made or rotated ({@link WithSecret}).
 *
 * @param deactivatedReason why the server turned it off (a {@code 410 Gone}, three days of failures), or null
 */
public record Webhook(UUID id, String url, List<String> events, String description, boolean active,
                      String deactivatedReason, OffsetDateTime createdAt, OffsetDateTime updatedAt) {

  static final String COLUMNS = "id, url, events, description, active, deactivated_reason, created_at, updated_at";

  static Webhook of(Row row) {
    return new Webhook(row.getUUID("id"), row.getString("url"), List.of(row.getArrayOfStrings("events")),
      row.getString("description"), row.getBoolean("active"), row.getString("deactivated_reason"),
      row.getOffsetDateTime("created_at"), row.getOffsetDateTime("updated_at"));
  }

  /** A webhook with the secret that signs its deliveries, as made or rotated. */
  public record WithSecret(Webhook webhook, String secret) {
  }
}
