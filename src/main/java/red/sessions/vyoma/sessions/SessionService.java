package red.sessions.vyoma.sessions;

import java.util.List;
import io.vertx.core.Future;
import red.sessions.vyoma.auth.Caller;

import java.util.UUID;

/**
 * The sessions domain, served on the event bus at {@link #ADDRESS}. Every call is for the booking's two
 * parties and admins; anyone else is refused. Its tables ({@code sessions}, {@code session_notes},
 * {@code session_files}) are read and written by this package alone; published for other domains' reads
 * (views, migrations V14, V20, V23 and V31): {@code lesson_attendance} (who attended a booking's lesson),
 * {@code shared_files} (a file shared in a session, with the lesson's two parties) and {@code session_lessons}
 * (the time of each session's lesson and its two parties).
 */
public interface SessionService {

  String ADDRESS = "vyoma.sessions";

  /** The booking's session, made on the first call and found on every later one; a cancelled booking gets none. */
  Future<CreatedSession> create(Caller caller, UUID bookingId);

  /** The whole session with its live meeting, notes and files. */
  Future<Session> get(Caller caller, UUID sessionId);

  /** The booking's session, as {@link #get} reads it; not found while the booking has none. */
  Future<Session> getByBooking(Caller caller, UUID bookingId);

  /**
   * The ids of the sessions of the user's bookings, for the user's export (no route reaches it), by id after {@code after} (null: from the first), at most {@code limit}; each is read as {@link #get} reads it, by the user.
   */
  Future<List<UUID>> idsOfUser(String userId, UUID after, int limit);

  /** Adds the notes and files and moves the status, all or nothing. */
  Future<Void> update(Caller caller, UUID sessionId, SessionUpdate update);

  /**
   * For erasures/: the notes the user wrote read {@code "[removed]"} and the files they shared leave their
   * sessions (files/ then deletes the files).
   */
  Future<Void> erase(String userId);
}
