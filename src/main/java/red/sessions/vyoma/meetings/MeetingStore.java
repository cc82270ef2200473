package red.sessions.vyoma.meetings;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.events.EventType;
import red.sessions.vyoma.events.Outbox;
import red.sessions.vyoma.events.Subject;
import red.sessions.vyoma.platform.Rows;
import red.sessions.vyoma.platform.Sql;
import red.sessions.vyoma.sessions.SessionParties;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/** The meetings SQL: meetings and attendees, and the events of their changes, appended in the same transactions. */
final class MeetingStore {

  private static final String LIVE_OF_SESSION = """
    SELECT meeting_id, session_id, meeting_data FROM meetings WHERE session_id = #{session_id} AND ended_at IS NULL""";
  private static final String BY_ID = """
    SELECT meeting_id, session_id, meeting_data, ended_at IS NULL AS live FROM meetings WHERE meeting_id = #{meeting_id}""";
  private static final String ENDED_OF_SESSION = """
    SELECT count(*) AS ended FROM meetings WHERE session_id = #{session_id} AND ended_at IS NOT NULL""";
  // The partial unique index keeps one live meeting per session: a second node's insert does nothing.
  private static final String INSERT = """
    INSERT INTO meetings (meeting_id, session_id, provider, meeting_data, attendance)
    VALUES (#{meeting_id}, #{session_id}, #{provider}, #{meeting_data}, #{attendance})
    ON CONFLICT DO NOTHING""";
  private static final String END = """
    UPDATE meetings SET ended_at = now() WHERE meeting_id = #{meeting_id} AND ended_at IS NULL
    RETURNING meeting_id, session_id, meeting_data""";

  // Live meetings whose presence has an open interval, not reconciled for a while: each claimed by one node
  // (SKIP LOCKED), which stamps it so that no node takes it again before the interval has passed.
  private static final String CLAIM_RECONCILIATION = """
    UPDATE meetings SET reconciled_at = now()
     WHERE meeting_id IN (
       SELECT meeting_id FROM meetings m
        WHERE ended_at IS NULL
          AND (reconciled_at IS NULL OR reconciled_at <= now() - make_interval(secs => #{interval_seconds}))
          AND EXISTS (SELECT 1 FROM presence_intervals i WHERE i.meeting_id = m.meeting_id AND i.left_at IS NULL)
        LIMIT #{batch} FOR UPDATE SKIP LOCKED)
    RETURNING meeting_id""";

  private static final String ATTENDEE = """
    SELECT attendee_id, attendee_data FROM attendees WHERE meeting_id = #{meeting_id} AND user_id = #{user_id}""";
  private static final String ATTENDEE_USERS = "SELECT user_id FROM attendees WHERE meeting_id = #{meeting_id}";
  private static final String INSERT_ATTENDEE = """
    INSERT INTO attendees (meeting_id, user_id, name, attendee_id, attendee_data)
    VALUES (#{meeting_id}, #{user_id}, #{name}, #{attendee_id}, #{attendee_data})
    ON CONFLICT DO NOTHING""";

  /** A meeting as stored, and whether it is still live. */
  record Stored(Meeting meeting, boolean live) {
  }

  /** The session's live meeting after recording one, and whether this call's meeting is the one recorded. */
  record Recorded(Meeting live, boolean inserted) {
  }

  /** What became of a presence event of Chime's. */
  enum Applied {
    /** Recorded, the intervals it touches rewritten. */
    RECORDED,
    /** Recorded before: nothing changed. */
    DUPLICATE,
    /** Of a meeting or an attendee the server did not make: dropped. */
    FOREIGN
  }

  // Chime's own events act on a meeting the way an admin would: for whichever session it belongs to.
  static final Caller CHIME = new Caller("chime", true);

  private final Pool pool;
  private final String attendance;

  /**
   * @param followsPresence whether meetings this node starts take their attendance from Chime's events
   */
  MeetingStore(Pool pool, boolean followsPresence) {
    this.pool = pool;
    this.attendance = followsPresence ? "presence" : "attendees";
  }

  Future<Optional<Meeting>> liveMeetingOf(UUID sessionId) {
    return Sql.query(pool, LIVE_OF_SESSION).mapTo(MeetingStore::meeting)
      .execute(Map.of("session_id", sessionId)).map(Rows::first);
  }

  Future<Optional<Stored>> meeting(String meetingId) {
    return Sql.query(pool, BY_ID).mapTo(row -> new Stored(meeting(row), row.getBoolean("live")))
      .execute(Map.of("meeting_id", meetingId)).map(Rows::first);
  }

  /**
   * How many of the session's meetings have ended. A new meeting's request token includes it: every join
   * until the live meeting ends asks for the same meeting, even one that raced with its creation.
   */
  Future<Long> meetingsEnded(UUID sessionId) {
    return Sql.query(pool, ENDED_OF_SESSION).mapTo(row -> row.getLong("ended"))
      .execute(Map.of("session_id", sessionId)).map(rows -> rows.iterator().next());
  }

  /**
   * Records the meeting as the session's live one unless another already is; the live one either way. A
   * meeting recorded here emits {@code meeting.started}.
   */
  Future<Recorded> recordLive(SessionParties parties, String provider, Meeting meeting) {
    Map<String, Object> params = Map.of(
      "meeting_id", meeting.meetingId(),
      "session_id", meeting.sessionId(),
      "provider", provider,
      "meeting_data", meeting.meetingData(),
      "attendance", attendance);
    return pool.withTransaction(connection -> Sql.update(connection, INSERT).execute(params)
      .compose(inserted -> inserted.rowCount() == 0 ? Future.succeededFuture(false)
        : announce(connection, EventType.MEETING_STARTED, parties, meeting.meetingId(), MeetingJson.meeting(meeting))
          .map(true)))
      .compose(inserted -> liveMeetingOf(parties.sessionId()).map(live -> new Recorded(
        live.orElseThrow(() -> new IllegalStateException("session " + parties.sessionId() + " has no live meeting")),
        inserted)));
  }

  /**
   * Ends the meeting if it is live, emitting {@code meeting.ended} (with the reason, if the server's own), and closes every presence interval still open
   * at {@code ending}'s time (emitting {@code attendance.left}); ending an ended meeting changes nothing but
   * intervals opened since by events that came late. A capture still running stops with it ({@code meeting_ended}).
   * Answers whether {@code ending} was recorded now (false: the same end, by its id, was recorded before).
   */
  Future<Boolean> end(String meetingId, SessionParties parties, PresenceEvent ending, EndReason reason) {
    return pool.withTransaction(connection -> PresenceStore.lockMeeting(connection, meetingId)
      .compose(locked -> Sql.update(connection, END).mapTo(MeetingStore::meeting)
        .execute(Map.of("meeting_id", meetingId)))
      .compose(ended -> RecordingStore.meetingEnded(connection, meetingId).map(ended))
      .compose(ended -> PresenceStore.record(connection, meetingId, ending)
        .compose(closed -> announce(connection, parties, meetingId, closed.orElse(List.of()))
          .compose(v -> Rows.first(ended)
            .map(meeting -> announce(connection, EventType.MEETING_ENDED, parties, meetingId, MeetingJson.ended(meeting, reason)))
            .orElseGet(Future::succeededFuture))
          .map(closed.isPresent()))));
  }

  /**
   * Records a presence event of Chime's for the attendee Chime knows by {@code externalUserId}, and the
   * {@code attendance.*} events of what it changed, in one transaction.
   */
  Future<Applied> presence(String meetingId, String externalUserId, Function<String, PresenceEvent> eventOfUser) {
    return pool.withTransaction(connection -> PresenceStore.lockMeeting(connection, meetingId)
      .compose(session -> session.isEmpty() ? Future.succeededFuture(Applied.FOREIGN)
        : PresenceStore.userOf(connection, meetingId, externalUserId).compose(user -> user.isEmpty()
          ? Future.succeededFuture(Applied.FOREIGN)
          : SessionParties.require(connection, session.get(), CHIME).compose(parties ->
            PresenceStore.record(connection, meetingId, eventOfUser.apply(user.get())).compose(changed -> changed.isEmpty()
              ? Future.succeededFuture(Applied.DUPLICATE)
              : announce(connection, parties, meetingId, changed.get()).map(Applied.RECORDED))))));
  }

  /**
   * Closes the open presence intervals of users Chime no longer lists in the meeting ({@code listed}, by
   * external user id), at the last time each was known there, and notes the others as known there now.
   */
  Future<Void> reconcile(String meetingId, Set<String> listed) {
    return pool.withTransaction(connection -> PresenceStore.lockMeeting(connection, meetingId)
      .compose(session -> session.isEmpty() ? Future.succeededFuture()
        : SessionParties.require(connection, session.get(), CHIME).compose(parties ->
          PresenceStore.reconcile(connection, meetingId, listed)
            .compose(closed -> announce(connection, parties, meetingId, closed)))));
  }

  /** Claims up to {@code batch} live meetings with someone present, not reconciled in the last interval. */
  Future<List<String>> claimForReconciliation(long intervalSeconds, int batch) {
    return Sql.query(pool, CLAIM_RECONCILIATION).mapTo(row -> row.getString("meeting_id"))
      .execute(Map.of("interval_seconds", intervalSeconds, "batch", batch)).map(Rows::toList);
  }

  private static Future<Void> announce(SqlClient connection, SessionParties parties, String meetingId,
                                       List<PresenceStore.Announcement> announcements) {
    Future<Void> all = Future.succeededFuture();
    for (PresenceStore.Announcement announcement : announcements) {
      all = all.compose(v -> announce(connection, announcement.type(), parties, meetingId, announcement.data()));
    }
    return all;
  }

  private static Future<Void> announce(SqlClient connection, EventType type, SessionParties parties, String meetingId,
                                       JsonObject data) {
    return Outbox.append(connection, type, Subject.meeting(parties.bookingId(), parties.sessionId(), meetingId),
      List.of(parties.studentId(), parties.teacherId()), data);
  }

  Future<Optional<Attendee>> attendee(String meetingId, String userId) {
    return Sql.query(pool, ATTENDEE)
      .mapTo(row -> new Attendee(meetingId, userId, row.getString("attendee_id"), row.getJsonObject("attendee_data")))
      .execute(Map.of("meeting_id", meetingId, "user_id", userId)).map(Rows::first);
  }

  /** The users who have an attendee in the meeting. */
  Future<List<String>> attendeeUserIds(String meetingId) {
    return Sql.query(pool, ATTENDEE_USERS).mapTo(row -> row.getString("user_id"))
      .execute(Map.of("meeting_id", meetingId)).map(Rows::toList);
  }

  /**
   * Records the attendee unless the user already has one in the meeting; the stored one either way. An
   * attendee recorded here emits {@code attendee.joined}.
   */
  Future<Attendee> recordAttendee(SessionParties parties, Attendee attendee, String name) {
    Map<String, Object> params = Map.of(
      "meeting_id", attendee.meetingId(),
      "user_id", attendee.userId(),
      "name", name,
      "attendee_id", attendee.attendeeId(),
      "attendee_data", attendee.attendeeData());
    return pool.withTransaction(connection -> Sql.update(connection, INSERT_ATTENDEE).execute(params)
      .compose(inserted -> inserted.rowCount() == 0 ? Future.<Void>succeededFuture()
        : announce(connection, EventType.ATTENDEE_JOINED, parties, attendee.meetingId(), MeetingJson.attendeeJoined(attendee))))
      .compose(v -> attendee(attendee.meetingId(), attendee.userId()))
      .map(stored -> stored.orElseThrow(() -> new IllegalStateException("attendee of " + attendee.userId() + " vanished")));
  }

  private static Meeting meeting(Row row) {
    return new Meeting(row.getString("meeting_id"), row.getUUID("session_id"), row.getJsonObject("meeting_data"));
  }
}
