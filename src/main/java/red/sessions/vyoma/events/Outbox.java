package red.sessions.vyoma.events;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.templates.SqlTemplate;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes events into the outbox, always inside the transaction of the change they tell of: the change and
 * its event commit together or not at all. A store appends as the last statement of its transaction, so
 * the subject's sequence (a row lock held to the commit) is the last lock it takes and never waits behind
 * the change's own locks. The same statement queues a delivery for every active webhook whose patterns
 * name the event; PostgreSQL notifies every node when the transaction commits ({@code vyoma_events}).
 */
public final class Outbox {

  /** A pattern matches {@code *}, the event's own name, or the event's family ({@code booking.*}). */
  static final String MATCHES = """
    EXISTS (SELECT 1 FROM unnest(w.events) p
             WHERE p = '*' OR p = e.type OR (right(p, 2) = '.*' AND starts_with(e.type, left(p, -1))))""";

  private static final String APPEND = """
    WITH next AS (
      INSERT INTO event_subjects AS s (subject_id, last_sequence) VALUES (#{subject_id}, 1)
      ON CONFLICT (subject_id) DO UPDATE SET last_sequence = s.last_sequence + 1
      RETURNING last_sequence),
    e AS (
      INSERT INTO events (type, subject_id, subject, sequence, users, data)
      SELECT #{type}, #{subject_id}, #{subject}, last_sequence, #{users}, #{data} FROM next
      RETURNING id, type)
    INSERT INTO webhook_deliveries (webhook_id, event_id)
    SELECT w.id, e.id FROM webhooks w, e
     WHERE CASE WHEN #{only_webhook}::uuid IS NULL THEN w.active AND\s""" + MATCHES + """
       ELSE w.id = #{only_webhook} END""";

  private Outbox() {
  }

  /**
   * Appends the event of a change, in the change's transaction.
   *
   * @param users who may see the event (the lesson's two parties)
   * @param data  the resource after the change, as the API shows it
   */
  public static Future<Void> append(SqlClient tx, EventType type, Subject subject, List<String> users, JsonObject data) {
    return insert(tx, type, subject.sequenceOf(), EventJson.subject(subject), users, data, null);
  }

  /** A ping for one webhook: an event no user sees, delivered to that webhook alone. */
  public static Future<Void> ping(SqlClient tx, UUID webhookId, JsonObject data) {
    return insert(tx, EventType.PING, webhookId, EventJson.pingSubject(webhookId), List.of(),
      data, webhookId);
  }

  private static Future<Void> insert(SqlClient tx, EventType type, UUID subjectId, JsonObject subject, List<String> users,
                                     JsonObject data, UUID onlyWebhook) {
    Map<String, Object> params = new HashMap<>();
    params.put("type", type.wire());
    params.put("subject_id", subjectId);
    params.put("subject", subject);
    params.put("users", users.toArray(String[]::new));
    params.put("data", data);
    params.put("only_webhook", onlyWebhook);
    return SqlTemplate.forUpdate(tx, APPEND).execute(params).mapEmpty();
  }
}
