package red.sessions.vyoma.erasures;

import io.vertx.sqlclient.Row;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A user's erasure as it stands: the step it will run next ({@code cancel}, {@code profile}, {@code content}, or
 * {@code done}), its status ({@code pending} until a node first claims it, {@code running}, {@code completed}), how
 * many times a node claimed it, and why its last attempt failed, if it did.
 */
public record Erasure(UUID id, String userId, String requestedBy, String reason, String step, String status,
                      int attempts, String error, OffsetDateTime createdAt, OffsetDateTime updatedAt,
                      OffsetDateTime completedAt) {

  static final String COLUMNS = """
    id, user_id, requested_by, reason, step, status, attempts, error, created_at, updated_at, completed_at""";

  static Erasure of(Row row) {
    return new Erasure(row.getUUID("id"), row.getString("user_id"), row.getString("requested_by"),
      row.getString("reason"), row.getString("step"), row.getString("status"), row.getInteger("attempts"),
      row.getString("error"), row.getOffsetDateTime("created_at"), row.getOffsetDateTime("updated_at"),
      row.getOffsetDateTime("completed_at"));
  }
}
