package red.sessions.vyoma.meetings;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import red.sessions.vyoma.platform.Rows;
import red.sessions.vyoma.platform.Sql;
import red.sessions.vyoma.sessions.SessionParties;

import java.util.function.Function;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The recordings SQL: each party's consent, and the captures of a session's meetings. */
final class RecordingStore {

  private static final String COLUMNS = """
    recording_id, session_id, meeting_id, capture, started_by, started_at, stopped_at, stop_reason""";
  private static final String GIVE_CONSENT = """
    INSERT INTO recording_consents (session_id, user_id, consent) VALUES (#{session_id}, #{user_id}, #{consent})
    ON CONFLICT (session_id, user_id) DO UPDATE SET consent = EXCLUDED.consent, updated_at = now()""";
  private static final String CONSENTED = """
    SELECT user_id FROM recording_consents WHERE session_id = #{session_id} AND consent""";
  private static final String RUNNING =
    "SELECT " + COLUMNS + " FROM recordings WHERE session_id = #{session_id} AND stopped_at IS NULL";
  private static final String CONSENTED_BY = "SELECT session_id FROM recording_consents WHERE user_id = #{user_id}";
  private static final String OF_SESSION =
    "SELECT " + COLUMNS + " FROM recordings WHERE session_id = #{session_id} ORDER BY capture";
  private static final String CAPTURES = "SELECT count(*) AS made FROM recordings WHERE session_id = #{session_id}";
  // The capture is recorded only while both parties consent and the meeting is live, as the database has them now:
  // their rows are share-locked, so a withdrawal or the meeting's end either commits first (and nothing is
  // recorded) or waits, and then finds the capture running and stops it. A second start's row does nothing
  // (one running per session, one row per capture number).
  private static final String RECORD = """
    WITH consented AS (
      SELECT user_id FROM recording_consents
       WHERE session_id = #{session_id} AND user_id IN (#{student_id}, #{teacher_id}) AND consent
         FOR SHARE),
    live AS (SELECT meeting_id FROM meetings WHERE meeting_id = #{meeting_id} AND ended_at IS NULL FOR SHARE)
    INSERT INTO recordings (recording_id, session_id, meeting_id, capture, started_by)
    SELECT #{recording_id}, #{session_id}, #{meeting_id}, #{capture}, #{started_by}
     WHERE (SELECT count(*) FROM consented) = 2 AND EXISTS (SELECT 1 FROM live)
    ON CONFLICT DO NOTHING""";
  private static final String STOP = """
    UPDATE recordings SET stopped_at = now(), stop_reason = #{stop_reason}
     WHERE recording_id = #{recording_id} AND stopped_at IS NULL""";
  private static final String STOP_ALL_OF_MEETING = """
    UPDATE recordings SET stopped_at = now(), stop_reason = 'meeting_ended'
     WHERE meeting_id = #{meeting_id} AND stopped_at IS NULL""";

  private final Pool pool;

  // A recording is made only with both parties' consent, so the user's consents name every session of theirs that
  // has one. Their attendee rows keep the meeting's history (who attended when) but no longer their name.
  private static final String ERASE = """
    WITH theirs AS (SELECT session_id FROM recording_consents WHERE user_id = #{user_id}),
    recorded AS (DELETE FROM recordings WHERE session_id IN (SELECT session_id FROM theirs) RETURNING session_id),
    consents AS (DELETE FROM recording_consents WHERE user_id = #{user_id}),
    named AS (UPDATE attendees SET name = #{name} WHERE user_id = #{user_id})
    SELECT DISTINCT session_id FROM recorded""";

  RecordingStore(Pool pool) {
    this.pool = pool;
  }

  Future<Void> consent(UUID sessionId, String userId, boolean consent) {
    return Sql.update(pool, GIVE_CONSENT)
      .execute(Map.of("session_id", sessionId, "user_id", userId, "consent", consent)).mapEmpty();
  }

  /** The users who consent to the session being recorded now. */
  Future<List<String>> consented(UUID sessionId) {
    return Sql.query(pool, CONSENTED).mapTo(row -> row.getString("user_id"))
      .execute(Map.of("session_id", sessionId)).map(Rows::toList);
  }

  /** The sessions the user has a consent recorded in, given or withdrawn: the only ones that can have recordings. */
  Future<List<UUID>> consentedBy(String userId) {
    return Sql.query(pool, CONSENTED_BY).mapTo(row -> row.getUUID("session_id"))
      .execute(Map.of("user_id", userId)).map(Rows::toList);
  }

  Future<Optional<Recording>> running(UUID sessionId) {
    return Sql.query(pool, RUNNING).mapTo(RecordingStore::recording)
      .execute(Map.of("session_id", sessionId)).map(Rows::first);
  }

  Future<List<Recording>> ofSession(UUID sessionId) {
    return Sql.query(pool, OF_SESSION).mapTo(RecordingStore::recording)
      .execute(Map.of("session_id", sessionId)).map(Rows::toList);
  }

  /** How many captures the session has had: the next one's number is one more. */
  Future<Integer> captures(UUID sessionId) {
    return Sql.query(pool, CAPTURES).mapTo(row -> row.getInteger("made"))
      .execute(Map.of("session_id", sessionId)).map(rows -> rows.iterator().next());
  }

  /** Records the capture if both parties consent and the meeting is live; whether it was recorded. */
  Future<Boolean> record(SessionParties parties, String meetingId, int capture, String recordingId, String startedBy) {
    Map<String, Object> params = Map.of(
      "recording_id", recordingId,
      "session_id", parties.sessionId(),
      "meeting_id", meetingId,
      "capture", capture,
      "started_by", startedBy,
      "student_id", parties.studentId(),
      "teacher_id", parties.teacherId());
    return Sql.update(pool, RECORD).execute(params).map(result -> result.rowCount() == 1);
  }

  Future<Void> stopped(String recordingId, String reason) {
    return Sql.update(pool, STOP).execute(Map.of("recording_id", recordingId, "stop_reason", reason))
      .mapEmpty();
  }

  /** Marks the meeting's captures stopped with it, on the connection of the transaction that ends it. */
  static Future<Void> meetingEnded(SqlClient connection, String meetingId) {
    return Sql.update(connection, STOP_ALL_OF_MEETING).execute(Map.of("meeting_id", meetingId)).mapEmpty();
  }

  private static Recording recording(Row row) {
    return new Recording(row.getString("recording_id"), row.getUUID("session_id"), row.getString("meeting_id"),
      row.getInteger("capture"), row.getString("started_by"), row.getOffsetDateTime("started_at"),
      row.getOffsetDateTime("stopped_at"), row.getString("stop_reason"), List.of());
  }

  /**
   * Deletes the recordings of the user's sessions and their consents, and blanks their name in the meetings they
   * attended; answers the sessions whose recordings went, and deletes their files by {@code deleteFiles} before that
   * commits, so that a failure leaves both for the next try.
   */
  Future<Void> erase(String userId, String erasedName, Function<List<UUID>, Future<?>> deleteFiles) {
    return pool.withTransaction(connection -> Sql.query(connection, ERASE)
      .mapTo(row -> row.getUUID("session_id")).execute(Map.of("user_id", userId, "name", erasedName))
      .compose(rows -> {
        List<UUID> sessions = new ArrayList<>();
        rows.forEach(sessions::add);
        return deleteFiles.apply(sessions);
      })
      .mapEmpty());
  }
}
