package red.sessions.vyoma.meetings;

import io.vertx.core.Future;
import red.sessions.vyoma.auth.Caller;

import java.util.List;
import java.util.UUID;

/**
 * The meetings domain, served on the event bus at {@link #ADDRESS}; only a session's two parties (and admins)
 * reach it. Its tables ({@code meetings}, {@code attendees}, {@code presence_events}, {@code presence_intervals},
 * {@code recording_consents}, {@code recordings})
 * are read and written by this package alone; published for other domains' reads (views, migrations V14 and
 * V20): {@code live_meetings} (a session's live meeting), {@code meeting_attendance} (who attended a meeting of a
 * session, and over which time) and {@code session_presence} (each presence interval of a session's meetings).
 */
public interface MeetingService {

  String ADDRESS = "vyoma.meetings";

  /** The session's live meeting, started when it has none. */
  Future<Joined<Meeting>> join(Caller caller, UUID sessionId);

  /** The session's live meeting; not found when it has none (one the provider ended by itself included). */
  Future<Meeting> live(Caller caller, UUID sessionId);

  /** Ends the meeting; ending one that has already ended changes nothing. */
  Future<Void> end(Caller caller, String meetingId);

  /**
   * Ends the meeting as {@link #end} does, because its lesson is over ({@code meeting.ended} says
   * {@code "reason": "lesson_over"}); for the server's own sweep ({@link LessonOver}), no caller's request.
   */
  Future<Void> endAfterLesson(String meetingId);

  /** The caller's attendee in the live meeting, created on first join. */
  Future<Joined<Attendee>> attend(Caller caller, NewAttendee attendee);

  /**
   * Records the caller's own consent to the session's lesson being recorded; withdrawing it stops a capture that
   * runs. Both parties' consents as they now stand.
   */
  Future<Consents> consent(Caller caller, UUID sessionId, boolean consent);

  /**
   * Starts capturing the session's live meeting, which needs both parties' consent and the Chime provider; the
   * capture already running, if there is one.
   */
  Future<Joined<Recording>> startRecording(Caller caller, UUID sessionId);

  /** Stops the session's running capture; not found when none runs. */
  Future<Recording> stopRecording(Caller caller, UUID sessionId);

  /**
   * Stops the capture, running while its session lacks a party's consent ({@code stop_reason}
   * {@code consent_withdrawn}); for the server's own sweep ({@link ConsentWithdrawn}), no caller's request. One
   * that has stopped already stays as it stopped.
   */
  Future<Void> stopWithoutConsent(String recordingId);

  /** The session's captures, oldest first, each with its files as short-lived download URLs. */
  Future<List<Recording>> recordings(Caller caller, UUID sessionId);

  /**
   * For erasures/: deletes the recordings of the user's lessons (rows and files) and their consents, and names
   * them {@code "Deleted user"} among the attendees of the meetings they joined.
   */
  Future<Void> erase(String userId);
}
