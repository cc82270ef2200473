package red.sessions.vyoma.events;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.templates.SqlTemplate;
import red.sessions.vyoma.kernel.Ids;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes events into the outbox, always inside the transaction of the change they tell of: the change and
 * its event commit together or not at all. A store appends as the last statement of its transaction, so
 * the subject's sequence (a row lock held to the commit) is the last lock it takes and never waits behind
 * the change's own locks. PostgreSQL notifies every node when the transaction commits ({@code vyoma_events});
 * readers, the webhooks' fan-out among them, follow the outbox from there ({@link EventStore#readAll}). An event's
 * id is time-ordered ({@link Ids}), so the outbox's indexes on it grow at one edge.
 */
public final class Outbox {

  private static final String APPEND = """
    WITH next AS (
      INSERT INTO event_subjects AS s (subject_id, last_sequence) VALUES (#{subject_id}, 1)
      ON CONFLICT (subject_id) DO UPDATE SET last_sequence = s.last_sequence + 1
      RETURNING last_sequence)
    INSERT INTO events (id, type, subject_id, subject, sequence, users, data)
    SELECT #{id}, #{type}, #{subject_id}, #{subject}, last_sequence, #{users}, #{data} FROM next
    RETURNING id""";

  private Outbox() {
  }

  /**
   * Appends the event of a change, in the change's transaction.
   *
   * @param users who may see the event (the lesson's two parties)
   * @param data  the resource after the change, as the API shows it
   */
  public static Future<Void> append(SqlClient tx, EventType type, Subject subject, List<String> users, JsonObject data) {
    return insert(tx, type, subject.sequenceOf(), EventJson.subject(subject), users, data).mapEmpty();
  }

  /**
   * A ping for one webhook: an event no user sees, counted per webhook. The webhooks' fan-out passes pings
   * by; the caller queues the delivery to that one webhook in the same transaction.
   *
   * @return the ping's event id
   */
  public static Future<UUID> ping(SqlClient tx, UUID webhookId, JsonObject data) {
    return insert(tx, EventType.PING, webhookId, EventJson.pingSubject(webhookId), List.of(), data);
  }

  private static Future<UUID> insert(SqlClient tx, EventType type, UUID subjectId, JsonObject subject, List<String> users,
                                     JsonObject data) {
    Map<String, Object> params = new HashMap<>();
    params.put("id", Ids.timeOrdered());
    params.put("type", type.wire());
    params.put("subject_id", subjectId);
    params.put("subject", subject);
    params.put("users", users.toArray(String[]::new));
    params.put("data", data);
    return SqlTemplate.forUpdate(tx, APPEND).mapTo(row -> row.getUUID("id")).execute(params)
      .map(rows -> rows.iterator().next());
  }
}
