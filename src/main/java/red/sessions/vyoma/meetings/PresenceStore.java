package red.sessions.vyoma.meetings;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import red.sessions.vyoma.events.EventType;
import red.sessions.vyoma.platform.Rows;
import red.sessions.vyoma.platform.Sql;
import red.sessions.vyoma.sessions.Session;
import red.sessions.vyoma.sessions.SessionJson;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The presence SQL: users' presence events and the intervals they make, on the caller's connection, inside a
 * transaction that holds its meeting's row ({@link #lockMeeting}), so the events of one meeting apply one at a
 * time on every node. Each change answers the events it makes ({@code attendance.joined}, {@code attendance.left}),
 * for the caller to append last in its transaction.
 */
final class PresenceStore {

  private static final String LOCK_MEETING = """
    SELECT session_id FROM meetings WHERE meeting_id = #{meeting_id} FOR NO KEY UPDATE""";
  // Chime's externalUserId is the one the server gave the attendee (MeetingsVerticle.externalUserId).
  private static final String USER_OF_ATTENDEE = """
    SELECT user_id FROM attendees
     WHERE meeting_id = #{meeting_id} AND attendee_data ->> 'ExternalUserId' = #{external_user_id}""";
  private static final String RECORD = """
    INSERT INTO presence_events (event_id, meeting_id, user_id, kind, at)
    VALUES (#{event_id}, #{meeting_id}, #{user_id}, #{kind}, #{at})
    ON CONFLICT (event_id) DO NOTHING""";
  // One row per meeting and user, moved forward only.
  private static final String SEEN = """
    INSERT INTO presence_events (event_id, meeting_id, user_id, kind, at)
    VALUES (#{event_id}, #{meeting_id}, #{user_id}, 'seen', now())
    ON CONFLICT (event_id) DO UPDATE SET at = greatest(presence_events.at, excluded.at)""";
  private static final String EVENTS_OF_USER = """
    SELECT event_id, user_id, kind, at FROM presence_events
     WHERE meeting_id = #{meeting_id} AND (user_id = #{user_id} OR user_id IS NULL)""";
  private static final String USERS = """
    SELECT DISTINCT user_id FROM presence_events WHERE meeting_id = #{meeting_id} AND user_id IS NOT NULL""";
  private static final String INTERVALS_OF_USER = """
    SELECT joined_at, left_at FROM presence_intervals
     WHERE meeting_id = #{meeting_id} AND user_id = #{user_id} ORDER BY joined_at""";
  private static final String FORGET_INTERVALS = """
    DELETE FROM presence_intervals WHERE meeting_id = #{meeting_id} AND user_id = #{user_id}""";
  private static final String ADD_INTERVAL = """
    INSERT INTO presence_intervals (meeting_id, user_id, joined_at, left_at)
    VALUES (#{meeting_id}, #{user_id}, #{joined_at}, #{left_at})""";
  // The last time each user of an open interval was known there: when Chime last listed them, or else when
  // they joined.
  private static final String OPEN = """
    SELECT i.user_id, a.attendee_data ->> 'ExternalUserId' AS external_user_id,
           greatest(i.joined_at, s.at) AS last_known
      FROM presence_intervals i
      JOIN attendees a ON a.meeting_id = i.meeting_id AND a.user_id = i.user_id
      LEFT JOIN presence_events s ON s.event_id = 'seen/' || i.meeting_id || '/' || i.user_id
     WHERE i.meeting_id = #{meeting_id} AND i.left_at IS NULL""";

  /** An event to append: what a change of intervals tells the session's parties. */
  record Announcement(EventType type, JsonObject data) {
  }

  private PresenceStore() {
  }

  /** Locks the meeting's row for the transaction; its session, or empty for a meeting the server did not make. */
  static Future<Optional<UUID>> lockMeeting(SqlClient tx, String meetingId) {
    return Sql.query(tx, LOCK_MEETING).mapTo(row -> row.getUUID("session_id"))
      .execute(Map.of("meeting_id", meetingId)).map(Rows::first);
  }

  /** Our user behind Chime's external user id in the meeting; empty for an attendee the server did not make. */
  static Future<Optional<String>> userOf(SqlClient tx, String meetingId, String externalUserId) {
    return Sql.query(tx, USER_OF_ATTENDEE).mapTo(row -> row.getString("user_id"))
      .execute(Map.of("meeting_id", meetingId, "external_user_id", externalUserId)).map(Rows::first);
  }

  /**
   * Records the event and rewrites the intervals it touches (the user's, or everyone's for the meeting's end);
   * an event recorded before changes nothing. Answers what changed, for the outbox.
   */
  static Future<Optional<List<Announcement>>> record(SqlClient tx, String meetingId, PresenceEvent event) {
    Map<String, Object> params = new HashMap<>();
    params.put("event_id", event.eventId());
    params.put("meeting_id", meetingId);
    params.put("user_id", event.userId());
    params.put("kind", event.kind().wire());
    params.put("at", OffsetDateTime.ofInstant(event.at(), ZoneOffset.UTC));
    return Sql.update(tx, RECORD).execute(params).compose(inserted -> {
      if (inserted.rowCount() == 0) {
        return Future.succeededFuture(Optional.empty());
      }
      Future<List<String>> users = event.userId() != null ? Future.succeededFuture(List.of(event.userId()))
        : Sql.query(tx, USERS).mapTo(row -> row.getString("user_id"))
          .execute(Map.of("meeting_id", meetingId)).map(Rows::toList);
      return users.compose(each -> rewriteAll(tx, meetingId, each, 0, new ArrayList<>())).map(Optional::of);
    });
  }

  /**
   * Reconciles the meeting's open intervals with the users Chime lists as attached ({@code listed}, by external
   * user id): one it lists is known there now; one it no longer lists has left, at the last time it was known.
   */
  static Future<List<Announcement>> reconcile(SqlClient tx, String meetingId, Set<String> listed) {
    return Sql.query(tx, OPEN).execute(Map.of("meeting_id", meetingId)).compose(open -> {
      Future<List<Announcement>> all = Future.succeededFuture(new ArrayList<>());
      for (Row row : open) {
        String userId = row.getString("user_id");
        all = all.compose(sofar -> (listed.contains(row.getString("external_user_id"))
          ? seen(tx, meetingId, userId).map(List.<Announcement>of())
          : left(tx, meetingId, userId, row.getOffsetDateTime("last_known").toInstant()))
          .map(more -> {
            sofar.addAll(more);
            return sofar;
          }));
      }
      return all;
    });
  }

  private static Future<Void> seen(SqlClient tx, String meetingId, String userId) {
    return Sql.update(tx, SEEN)
      .execute(Map.of("event_id", "seen/" + meetingId + "/" + userId, "meeting_id", meetingId, "user_id", userId))
      .mapEmpty();
  }

  /** Closes the user's open interval as reconciliation does; the id is the same on every node that does it. */
  private static Future<List<Announcement>> left(SqlClient tx, String meetingId, String userId, Instant lastKnown) {
    PresenceEvent event = new PresenceEvent("reconciled/" + meetingId + "/" + userId + "/" + lastKnown.toEpochMilli(),
      userId, PresenceEvent.Kind.RECONCILED, lastKnown);
    return record(tx, meetingId, event).map(changed -> changed.orElse(List.of()));
  }

  private static Future<List<Announcement>> rewriteAll(SqlClient tx, String meetingId, List<String> users, int next,
                                                       List<Announcement> sofar) {
    if (next == users.size()) {
      return Future.succeededFuture(sofar);
    }
    return rewrite(tx, meetingId, users.get(next)).compose(changes -> {
      sofar.addAll(changes);
      return rewriteAll(tx, meetingId, users, next + 1, sofar);
    });
  }

  /** Rewrites the user's intervals from their events; answers an event for each interval opened or closed. */
  private static Future<List<Announcement>> rewrite(SqlClient tx, String meetingId, String userId) {
    Map<String, Object> user = Map.of("meeting_id", meetingId, "user_id", userId);
    return Sql.query(tx, EVENTS_OF_USER).mapTo(PresenceStore::event).execute(user)
      .map(events -> Presence.intervals(Rows.toList(events)))
      .compose(after -> Sql.query(tx, INTERVALS_OF_USER).mapTo(PresenceStore::interval).execute(user)
        .compose(rows -> {
          List<Presence.Interval> before = Rows.toList(rows);
          if (before.equals(after)) {
            return Future.succeededFuture(List.of());
          }
          List<Map<String, Object>> inserts = after.stream().map(interval -> {
            Map<String, Object> params = new HashMap<>(user);
            params.put("joined_at", utc(interval.joinedAt()));
            params.put("left_at", interval.leftAt() == null ? null : utc(interval.leftAt()));
            return params;
          }).toList();
          return Sql.update(tx, FORGET_INTERVALS).execute(user)
            .compose(v -> inserts.isEmpty() ? Future.succeededFuture()
              : Sql.update(tx, ADD_INTERVAL).executeBatch(inserts).mapEmpty())
            .map(v -> announcements(userId, before, after));
        }));
  }

  /** {@code attendance.joined} for each interval that was not there, {@code attendance.left} for each newly closed. */
  private static List<Announcement> announcements(String userId, List<Presence.Interval> before,
                                                  List<Presence.Interval> after) {
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    List<Announcement> announcements = new ArrayList<>();
    for (Presence.Interval interval : after) {
      Optional<Presence.Interval> was = before.stream()
        .filter(old -> old.joinedAt().equals(interval.joinedAt())).findFirst();
      JsonObject data = SessionJson.presence(new Session.Presence(userId, utc(interval.joinedAt()),
        interval.leftAt() == null ? null : utc(interval.leftAt())), now);
      if (was.isEmpty()) {
        announcements.add(new Announcement(EventType.ATTENDANCE_JOINED, data));
      }
      if (interval.leftAt() != null && (was.isEmpty() || !interval.leftAt().equals(was.get().leftAt()))) {
        announcements.add(new Announcement(EventType.ATTENDANCE_LEFT, data));
      }
    }
    return announcements;
  }

  private static PresenceEvent event(Row row) {
    return new PresenceEvent(row.getString("event_id"), row.getString("user_id"),
      PresenceEvent.Kind.fromWire(row.getString("kind")), row.getOffsetDateTime("at").toInstant());
  }

  private static Presence.Interval interval(Row row) {
    OffsetDateTime left = row.getOffsetDateTime("left_at");
    return new Presence.Interval(row.getOffsetDateTime("joined_at").toInstant(), left == null ? null : left.toInstant());
  }

  private static OffsetDateTime utc(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
