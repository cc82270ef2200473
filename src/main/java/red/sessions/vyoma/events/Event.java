package red.sessions.vyoma.events;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** An event as the outbox holds it, and where it lies in the outbox's order. */
public record Event(UUID id, String type, OffsetDateTime createdAt, long sequence, JsonObject subject, List<String> users,
                    JsonObject data, EventCursor cursor) {

  public static final String COLUMNS = "id, type, created_at, sequence, subject, users, data, txid::text AS txid, position";

  public static Event of(Row row) {
    return new Event(
      row.getUUID("id"),
      row.getString("type"),
      row.getOffsetDateTime("created_at"),
      row.getLong("sequence"),
      (JsonObject) row.getValue("subject"),
      List.of(row.getArrayOfStrings("users")),
      (JsonObject) row.getValue("data"),
      new EventCursor(row.getString("txid"), row.getLong("position")));
  }
}
