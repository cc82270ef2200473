package red.sessions.vyoma.sessions;

import red.sessions.vyoma.kernel.Keyset;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlResult;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.bookings.Booking;
import red.sessions.vyoma.bookings.SessionCompletion;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.events.EventType;
import red.sessions.vyoma.events.Outbox;
import red.sessions.vyoma.events.Subject;
import red.sessions.vyoma.platform.Rows;
import red.sessions.vyoma.platform.Sql;

import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The sessions SQL: sessions, and the notes and files their parties add. */
final class SessionStore {

  private static final String BOOKING_PARTIES = """
    SELECT student_id, teacher_id FROM lessons WHERE id = #{booking_id}""";

  // A cancelled booking yields no row, so it never gets a session; a second request finds the first's.
  private static final String CREATE = """
    INSERT INTO sessions (booking_id)
    SELECT id FROM lessons WHERE id = #{booking_id} AND status <> 'cancelled'
    ON CONFLICT (booking_id) DO NOTHING
    RETURNING id""";
  private static final String BY_BOOKING = "SELECT id FROM sessions WHERE booking_id = #{booking_id}";
  private static final String IDS_OF_USER = """
    SELECT s.id FROM sessions s JOIN lessons l ON l.id = s.booking_id
     WHERE (l.student_id = #{user_id} OR l.teacher_id = #{user_id}) AND (#{after}::uuid IS NULL OR s.id > #{after})
     ORDER BY s.id
     LIMIT #{limit}""";

  private static final String SESSION = """
    SELECT s.id, s.booking_id, s.status, s.created_at, s.updated_at,
           b.student_id, b.teacher_id, b.start_time, b.end_time,
           (SELECT m.meeting_data FROM live_meetings m WHERE m.session_id = s.id) AS meeting_data
      FROM sessions s JOIN lessons b ON b.id = s.booking_id
     WHERE s.id = #{id}""";
  private static final String NOTES = """
    SELECT id, author_id, text, client_time, created_at FROM session_notes
     WHERE session_id = #{id} ORDER BY created_at, id""";
  private static final String FILES = """
    SELECT id, author_id, name, url, client_time, created_at FROM session_files
     WHERE session_id = #{id} ORDER BY created_at, id""";

  private static final String ATTENDANCE = """
    SELECT user_id, joined_at, left_at FROM session_presence
     WHERE session_id = #{id} ORDER BY joined_at, user_id""";

  private static final String ADD_NOTE = """
    INSERT INTO session_notes (session_id, author_id, id, text, client_time)
    VALUES (#{session_id}, #{author_id}, #{id}, #{text}, #{client_time})
    ON CONFLICT DO NOTHING""";
  private static final String ADD_FILE = """
    INSERT INTO session_files (session_id, author_id, id, name, url, file_key, client_time)
    VALUES (#{session_id}, #{author_id}, #{id}, #{name}, #{url}, #{file_key}, #{client_time})
    ON CONFLICT DO NOTHING""";

  private static final String CHANGE_STATUS = """
    UPDATE sessions SET status = #{status}, updated_at = now()
     WHERE id = #{id} AND status = ANY (#{from})
    RETURNING id""";
  private static final String STATUS = "SELECT status FROM sessions WHERE id = #{id}";

  // The note stays where it was, so the session still reads in order and a retried PUT still adds nothing.
  private static final String REMOVE_NOTES = """
    UPDATE session_notes SET text = '[removed]' WHERE author_id = #{author_id} AND text <> '[removed]'""";
  // The entries go, so that files/ can delete the files themselves; their URLs then answer 404.
  private static final String REMOVE_FILES = "DELETE FROM session_files WHERE author_id = #{author_id}";
  private final Pool pool;
  private final String storageBaseUrl;

  /**
   * @param storageBaseUrl what every URL of an issued file starts with; the rest is the file's key
   */
  SessionStore(Pool pool, String storageBaseUrl) {
    this.pool = pool;
    this.storageBaseUrl = storageBaseUrl;
  }

  /** Empties the author's notes and takes the files they shared out of their sessions. */
  Future<Void> erase(String authorId) {
    Map<String, Object> author = Map.of("author_id", authorId);
    return pool.withTransaction(connection -> Sql.update(connection, REMOVE_NOTES).execute(author)
      .compose(notes -> Sql.update(connection, REMOVE_FILES).execute(author))
      .mapEmpty());
  }

  Future<CreatedSession> create(UUID bookingId, Caller caller) {
    Map<String, Object> params = Map.of("booking_id", bookingId);
    return requireBookingParty(bookingId, caller).compose(v -> pool.withTransaction(connection ->
      Sql.update(connection, CREATE).mapTo(row -> row.getUUID("id")).execute(params)
        .compose(inserted -> Rows.first(inserted)
          .map(id -> announce(connection, EventType.SESSION_CREATED, id).map(new CreatedSession(id, true)))
          .orElseGet(() -> Sql.query(connection, BY_BOOKING).mapTo(row -> row.getUUID("id")).execute(params)
            .map(existing -> new CreatedSession(Rows.first(existing)
              .orElseThrow(() -> DomainException.conflict("the booking was cancelled; it gets no session")), false))))));
  }

  /** The booking's session, if it has one; the caller must be a party of the booking. */
  Future<Optional<UUID>> sessionOfBooking(UUID bookingId, Caller caller) {
    return requireBookingParty(bookingId, caller)
      .compose(v -> Sql.query(pool, BY_BOOKING).mapTo(row -> row.getUUID("id"))
        .execute(Map.of("booking_id", bookingId)))
      .map(Rows::first);
  }

  private Future<Void> requireBookingParty(UUID bookingId, Caller caller) {
    return Sql.query(pool, BOOKING_PARTIES).execute(Map.of("booking_id", bookingId)).map(rows -> {
      Row booking = Rows.first(rows).orElseThrow(() -> DomainException.notFound("no booking " + bookingId));
      if (!caller.isPartyTo(booking.getString("student_id"), booking.getString("teacher_id"))) {
        throw DomainException.forbidden("only the booking's student and teacher may reach its session");
      }
      return null;
    });
  }

  Future<List<UUID>> idsOfUser(String userId, UUID after, int limit) {
    return Sql.query(pool, IDS_OF_USER).mapTo(row -> row.getUUID("id"))
      .execute(Keyset.params(userId, after, limit)).map(Rows::toList);
  }

  /** Fails unless the session exists and the caller is a party of it. */
  Future<Void> requireParty(UUID id, Caller caller) {
    return SessionParties.require(pool, id, caller).mapEmpty();
  }

  /** The whole session with its live meeting, notes and files; the caller must be a party. */
  Future<Session> read(UUID id, Caller caller) {
    return SessionParties.require(pool, id, caller).compose(parties -> read(pool, id));
  }

  private static Future<Session> read(SqlClient client, UUID id) {
    Map<String, Object> params = Map.of("id", id);
    return Sql.query(client, SESSION).execute(params)
      .compose(sessions -> {
        Row session = Rows.first(sessions).orElseThrow(() -> DomainException.notFound("no session " + id));
        return Sql.query(client, NOTES).mapTo(SessionStore::note).execute(params)
          .compose(notes -> Sql.query(client, FILES).mapTo(SessionStore::file).execute(params)
            .compose(files -> Sql.query(client, ATTENDANCE).mapTo(SessionStore::presence).execute(params)
              .map(attendance -> session(session, Rows.toList(notes), Rows.toList(files), Rows.toList(attendance)))));
      });
  }

  /** Appends the session's event with the session as its transaction has it now. */
  private static Future<Void> announce(SqlClient connection, EventType type, UUID id) {
    return read(connection, id).compose(session -> Outbox.append(connection, type,
      Subject.session(session.bookingId(), session.sessionId()), List.of(session.studentId(), session.teacherId()),
      SessionJson.session(session)));
  }

  /**
   * Adds the notes and files and moves the status, all or nothing; the files domain has already said that
   * the caller may share the files.
   */
  Future<Void> update(UUID id, SessionUpdate update, Caller caller) {
    List<Map<String, Object>> notes = update.notes().stream().map(note -> params(id, caller, note.id(caller.userId()),
      note.timestamp(), Map.of("text", note.text()))).toList();
    List<Map<String, Object>> files = update.files().stream().map(file -> params(id, caller, file.id(caller.userId()),
      file.timestamp(), Map.of("name", file.name(), "url", file.url(), "file_key", file.key(storageBaseUrl)))).toList();
    return pool.withTransaction(connection -> SessionParties.require(connection, id, caller)
      .compose(parties -> addAll(connection, ADD_NOTE, notes)
        .compose(notesAdded -> addAll(connection, ADD_FILE, files)
          .compose(filesAdded -> (update.status() == null ? Future.succeededFuture(Moved.NOTHING)
              : changeStatus(connection, parties, update.status()))
            .compose(moved -> announce(connection, id, notesAdded + filesAdded > 0 || moved.session(), moved.booking()))))));
  }

  /** What a status change moved: the session, and with it the booking (completed). */
  private record Moved(boolean session, Booking booking) {
    static final Moved NOTHING = new Moved(false, null);
  }

  /** The events of an update that changed something; a retried or no-op update emits none. */
  private static Future<Void> announce(SqlClient connection, UUID id, boolean sessionChanged, Booking completed) {
    Future<Void> session = sessionChanged ? announce(connection, EventType.SESSION_UPDATED, id) : Future.succeededFuture();
    return completed == null ? session : session.compose(v -> completed.appendEvent(connection, EventType.BOOKING_COMPLETED));
  }

  private static Map<String, Object> params(UUID sessionId, Caller author, UUID id, OffsetDateTime clientTime,
                                            Map<String, Object> content) {
    Map<String, Object> params = new HashMap<>(content);
    params.put("session_id", sessionId);
    params.put("author_id", author.userId());
    params.put("id", id);
    params.put("client_time", clientTime);
    return params;
  }

  /** Inserts the rows that are not there yet; answers how many were new. */
  private static Future<Integer> addAll(SqlClient connection, String sql, List<Map<String, Object>> rows) {
    if (rows.isEmpty()) {
      return Future.succeededFuture(0);
    }
    return Sql.update(connection, sql).executeBatch(rows).map(result -> {
      int added = 0;
      for (SqlResult<Void> each = result; each != null; each = each.next()) {
        added += each.rowCount();
      }
      return added;
    });
  }

  private static Future<Moved> changeStatus(SqlClient connection, SessionParties parties, SessionStatus to) {
    if (parties.bookingCancelled()) {
      throw DomainException.conflict("the booking was cancelled; its session cannot change");
    }
    Map<String, Object> params = Map.of("id", parties.sessionId(), "status", to.wire(), "from", to.reachableFrom());
    return Sql.update(connection, CHANGE_STATUS).execute(params).compose(changed -> {
      if (changed.rowCount() == 0) {
        return requireAlready(connection, parties.sessionId(), to).map(Moved.NOTHING);
      }
      boolean bookingToComplete = to == SessionStatus.COMPLETED && !"completed".equals(parties.bookingStatus());
      return bookingToComplete ? SessionCompletion.complete(connection, parties.bookingId()).map(booking -> new Moved(true, booking))
        : Future.succeededFuture(new Moved(true, null));
    });
  }

  /** Nothing moved: fine when the session already is where it was sent, 409 when that would be backwards. */
  private static Future<Void> requireAlready(SqlClient connection, UUID sessionId, SessionStatus to) {
    return Sql.query(connection, STATUS).mapTo(row -> row.getString("status"))
      .execute(Map.of("id", sessionId))
      .map(current -> {
        String status = current.iterator().next();
        if (!status.equals(to.wire())) {
          throw DomainException.conflict("a " + status + " session cannot go back to " + to.wire());
        }
        return null;
      });
  }

  private static Session session(Row row, List<Session.Note> notes, List<Session.SharedFile> files,
                                 List<Session.Presence> attendance) {
    return new Session(
      row.getUUID("id"),
      row.getUUID("booking_id"),
      row.getString("student_id"),
      row.getString("teacher_id"),
      row.getOffsetDateTime("start_time"),
      row.getOffsetDateTime("end_time"),
      SessionStatus.fromWire(row.getString("status")),
      row.getValue("meeting_data") instanceof JsonObject meeting ? meeting : null,
      row.getOffsetDateTime("created_at"),
      row.getOffsetDateTime("updated_at"),
      notes,
      files,
      attendance);
  }

  private static Session.Presence presence(Row row) {
    return new Session.Presence(row.getString("user_id"), row.getOffsetDateTime("joined_at"),
      row.getOffsetDateTime("left_at"));
  }

  private static Session.Note note(Row row) {
    return new Session.Note(row.getUUID("id"), row.getString("author_id"), row.getString("text"), timestamp(row),
      row.getOffsetDateTime("created_at"));
  }

  private static Session.SharedFile file(Row row) {
    return new Session.SharedFile(row.getUUID("id"), row.getString("author_id"), row.getString("name"),
      row.getString("url"), timestamp(row), row.getOffsetDateTime("created_at"));
  }

  /** The time the author sent with a note or file, or else when it was added. */
  private static OffsetDateTime timestamp(Row row) {
    OffsetDateTime sent = row.getOffsetDateTime("client_time");
    return sent != null ? sent : row.getOffsetDateTime("created_at");
  }
}
