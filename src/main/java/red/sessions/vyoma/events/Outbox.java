package red.sessions.vyoma.events;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import red.sessions.vyoma.kernel.Ids;
import red.sessions.vyoma.platform.Sql;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes events into the outbox, always inside the transaction of the change they tell of: the change and
 * its event commit together or not at all. A store appends as the last statement of its transaction, so
 * the subject's sequence (a row lock held to the commit) is the last lock it takes and never waits behind
 * the change's own locks. Every node looks for what the outbox gained ({@link EventNotices}); readers, the
 * webhooks' fan-out among them, follow the outbox from there ({@link EventStore#readAll}). An event's id is
 * time-ordered ({@link Ids}), so the outbox's indexes on it grow at one edge.
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

  // Several events, each of its own subject, in the order given: the subjects' rows are taken in one order, so two
  // such statements never wait on each other crosswise.
  private static final String APPEND_ALL = """
    WITH batch AS (
      SELECT e, n, (e->>'subject_id')::uuid AS subject_id FROM jsonb_array_elements(#{events}) WITH ORDINALITY AS batch (e, n)),
    next AS (
      INSERT INTO event_subjects AS s (subject_id, last_sequence)
      SELECT subject_id, 1 FROM batch ORDER BY subject_id
      ON CONFLICT (subject_id) DO UPDATE SET last_sequence = s.last_sequence + 1
      RETURNING subject_id, last_sequence)
    INSERT INTO events (id, type, subject_id, subject, sequence, users, data)
    SELECT (e->>'id')::uuid, e->>'type', subject_id, e->'subject', last_sequence,
           ARRAY(SELECT jsonb_array_elements_text(e->'users')), e->'data'
      FROM batch JOIN next USING (subject_id)
     ORDER BY n""";

  /**
   * The event of a change, to append in the change's transaction.
   *
   * @param users who may see the event (the lesson's two parties)
   * @param data  the resource after the change, as the API shows it
   */
  public record Entry(EventType type, Subject subject, List<String> users, JsonObject data) {
  }

  private Outbox() {
  }

  /** Appends the event of a change, in the change's transaction (see {@link Entry}). */
  public static Future<Void> append(SqlClient tx, EventType type, Subject subject, List<String> users, JsonObject data) {
    return append(tx, new Entry(type, subject, users, data));
  }

  /** Appends the event of a change, in the change's transaction. */
  public static Future<Void> append(SqlClient tx, Entry entry) {
    return insert(tx, entry.type(), entry.subject().sequenceOf(), EventJson.subject(entry.subject()), entry.users(),
      entry.data()).mapEmpty();
  }

  /**
   * Appends the events of a change, each of its own subject, in one statement, in the change's transaction and in
   * the order given: as {@link #append} of each in turn would.
   *
   * @throws IllegalArgumentException when two are of one subject
   */
  public static Future<Void> appendAll(SqlClient tx, List<Entry> entries) {
    if (entries.stream().map(entry -> entry.subject().sequenceOf()).distinct().count() < entries.size()) {
      throw new IllegalArgumentException("events of one subject are appended one by one");
    }
    JsonArray events = new JsonArray();
    entries.forEach(entry -> events.add(new JsonObject()
      .put("id", Ids.timeOrdered().toString())
      .put("type", entry.type().wire())
      .put("subject_id", entry.subject().sequenceOf().toString())
      .put("subject", EventJson.subject(entry.subject()))
      .put("users", new JsonArray(entry.users()))
      .put("data", entry.data())));
    return Sql.update(tx, APPEND_ALL).execute(Map.of("events", events)).mapEmpty();
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
    return Sql.update(tx, APPEND).mapTo(row -> row.getUUID("id")).execute(params)
      .map(rows -> rows.iterator().next());
  }
}
