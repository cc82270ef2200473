package red.sessions.vyoma.sessions;

import io.vertx.core.Future;
import red.sessions.vyoma.auth.Caller;

import java.util.UUID;

/**
 * The sessions domain, served on the event bus at {@link #ADDRESS}. Every call is for the booking's two
 * parties and admins; anyone else is refused.
 */
public interface SessionService {

  String ADDRESS = "vyoma.sessions";

  /** The booking's session, made on the first call and found on every later one; a cancelled booking gets none. */
  Future<CreatedSession> create(Caller caller, UUID bookingId);

  /** The whole session with its live meeting, notes and files. */
  Future<Session> get(Caller caller, UUID sessionId);

  /** The booking's session, as {@link #get} reads it; not found while the booking has none. */
  Future<Session> getByBooking(Caller caller, UUID bookingId);

  /** Adds the notes and files and moves the status, all or nothing. */
  Future<Void> update(Caller caller, UUID sessionId, SessionUpdate update);
}
