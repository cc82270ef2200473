package red.sessions.vyoma.exports;

import io.vertx.sqlclient.Row;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A user's export as its row has it, and, when ready, the URL it is downloaded from.
 *
 * @param status       {@code pending}, {@code ready}, {@code failed} or {@code expired}
 * @param objectKey    where the ZIP is in the file store, while ready; never shown to clients
 * @param downloadUrl  a short-lived URL of the ZIP, filled in only when read ready; null otherwise
 */
public record Export(UUID id, String userId, String requestedBy, String status, String error, String objectKey,
                     Long sizeBytes, OffsetDateTime createdAt, OffsetDateTime finishedAt, OffsetDateTime expiredAt,
                     String downloadUrl) {

  static final String COLUMNS = "id, user_id, requested_by, status, error, object_key, size_bytes, created_at, "
    + "finished_at, expired_at";

  static Export of(Row row) {
    return new Export(row.getUUID("id"), row.getString("user_id"), row.getString("requested_by"), row.getString("status"),
      row.getString("error"), row.getString("object_key"), row.getLong("size_bytes"), row.getOffsetDateTime("created_at"),
      row.getOffsetDateTime("finished_at"), row.getOffsetDateTime("expired_at"), null);
  }

  boolean ready() {
    return "ready".equals(status);
  }

  Export withDownloadUrl(String url) {
    return new Export(id, userId, requestedBy, status, error, objectKey, sizeBytes, createdAt, finishedAt, expiredAt, url);
  }
}
