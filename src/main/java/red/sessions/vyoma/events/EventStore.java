package red.sessions.vyoma.events;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.platform.Rows;
import red.sessions.vyoma.platform.Sql;
import red.sessions.vyoma.platform.UserRows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The outbox as it is read: in commit-safe order, a user's own events or all of them. {@link #readAll} is
 * published for other domains' readers that follow the whole outbox on a connection of their own (the
 * webhooks' fan-out, inside its transaction), so the outbox's SQL stays here.
 */
public final class EventStore {

  // Events of transactions older than every one still running are final: nothing can commit before them
  // any more. A later event that has committed is read (to tell the reader it is there) but not taken.
  // The order names the table's columns: a bare txid there would be the output column, the text Event.COLUMNS
  // makes of it, and "996" sorts after "1026" (past each power of ten the page would skip events after its cursor).
  private static final String AFTER_CURSOR =
    "WITH horizon AS MATERIALIZED (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin) SELECT %s,"
      + " events.txid < (SELECT xmin FROM horizon) AS final FROM events"
      + " WHERE (txid, position) > (#{txid}::text::xid8, #{position}) %s"
      + " ORDER BY events.txid, events.position LIMIT #{limit}";
  private static final String READ =
    AFTER_CURSOR.formatted(Event.COLUMNS, "AND (#{all} OR users @> ARRAY[#{user}]::text[])");

  // The users of the events after a cursor, in the same order, for the wake-ups.
  private static final String USERS_AFTER = AFTER_CURSOR.formatted(
    "events.txid::text AS txid, events.position, events.users", "");

  // Only an event the reader could have read marks a place: another user's event is as unknown as no event,
  // so its id cannot be probed. An id not (or no longer) there is judged against what the retention sweep has
  // pruned (events_pruned, one row): from the id alone, so nothing is told of whose event it was.
  private static final String CURSOR_OF = """
    SELECT e.txid::text AS txid, e.position,
           coalesce(CASE WHEN substr(#{id}::text, 15, 1) = '7' THEN #{id} <= p.through_id
                         ELSE p.random_id_pruned END, false) AS pruned
      FROM events_pruned p
      LEFT JOIN events e ON e.id = #{id} AND (#{all} OR e.users @> ARRAY[#{user}]::text[])""";

  // Every event before the oldest running transaction is already final, so "now" starts there.
  private static final String NOW = "SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS txid";

  private final Pool pool;

  EventStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * Where the event lies, if it is one the user reads; {@code user} null reads everyone's. Refused as gone when it
   * was pruned, as invalid when it never was one the user reads.
   */
  Future<EventCursor> cursorOf(String user, UUID eventId) {
    return Sql.query(pool, CURSOR_OF)
      .execute(Map.of("id", eventId, "all", user == null, "user", user == null ? "" : user))
      .map(rows -> {
        Row row = rows.iterator().next();
        if (row.getString("txid") != null) {
          return cursor(row);
        }
        if (row.getBoolean("pruned")) {
          throw new DomainException(DomainException.Reason.GONE, "event " + eventId + " was older than the events"
            + " kept and has been pruned; resume from the oldest event kept: GET /events without after");
        }
        throw DomainException.invalid("no event " + eventId + " among those you can read, to read after");
      });
  }

  Future<EventCursor> now() {
    return pool.query(NOW).execute().map(rows -> new EventCursor(rows.iterator().next().getString("txid"), 0));
  }

  /** Up to {@code limit} final events after the cursor; {@code user} null reads everyone's. */
  Future<EventPage> read(String user, EventCursor after, int limit) {
    return read(pool, user, after, limit);
  }

  /**
   * Up to {@code limit} final events of everyone after the cursor, read on the given connection (in the
   * reader's transaction, if it has one); a page that is not full and {@code heldBack} means later events
   * wait for an older transaction, so look again shortly.
   */
  public static Future<EventPage> readAll(SqlClient client, EventCursor after, int limit) {
    return read(client, null, after, limit);
  }

  private static Future<EventPage> read(SqlClient client, String user, EventCursor after, int limit) {
    return Sql.query(client, READ).execute(Map.of("txid", after.txid(), "position", after.position(),
        "all", user == null, "user", user == null ? "" : user, "limit", limit + 1))
      .map(rows -> {
        List<Event> events = new ArrayList<>();
        boolean heldBack = false;
        for (Row row : rows) {
          if (!row.getBoolean("final")) {
            heldBack = true;
            break;
          }
          events.add(Event.of(row));
        }
        boolean more = events.size() > limit;
        List<Event> page = more ? events.subList(0, limit) : events;
        EventCursor next = page.isEmpty() ? after : page.get(page.size() - 1).cursor();
        return new EventPage(List.copyOf(page), next, more, heldBack);
      });
  }

  /**
   * The users named by up to {@code limit} final events after the cursor, and the cursor after them ({@code more}
   * when there were more).
   */
  Future<EventNotices.Gained> usersAfter(EventCursor after, int limit) {
    return Sql.query(pool, USERS_AFTER)
      .execute(Map.of("txid", after.txid(), "position", after.position(), "limit", limit + 1))
      .map(rows -> {
        Set<String> users = new HashSet<>();
        EventCursor next = after;
        int taken = 0;
        for (Row row : rows) {
          if (!row.getBoolean("final") || taken == limit) {
            return new EventNotices.Gained(users, next, taken == limit && row.getBoolean("final"));
          }
          users.addAll(Arrays.asList(row.getArrayOfStrings("users")));
          next = cursor(row);
          taken++;
        }
        return new EventNotices.Gained(users, next, false);
      });
  }

  private static EventCursor cursor(Row row) {
    return new EventCursor(row.getString("txid"), row.getLong("position"));
  }

  Future<Void> erase(String userId) {
    return UserRows.erase(pool, userId, """
      UPDATE events SET data = (SELECT coalesce(jsonb_object_agg(key, value), '{}'::jsonb) FROM jsonb_each(data)
                                 WHERE key = 'id' OR key LIKE '%\\_id')
       WHERE users @> ARRAY[#{user_id}]::text[]""");
  }
}
