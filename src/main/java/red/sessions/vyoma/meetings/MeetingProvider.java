package red.sessions.vyoma.meetings;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.Set;

/**
 * Where video meetings come from: Amazon Chime SDK Meetings in production, a local stand-in by default.
 * Meetings and attendees are JSON in Chime's own shape ({@code Meeting}, {@code Attendee}) so client
 * SDKs can join with them as they are. Failures are {@link MeetingGoneException} for a meeting the
 * provider no longer knows, or an {@code DomainException} (503 when the provider is throttling or down,
 * 502 when it refused the request).
 */
public interface MeetingProvider {

  /** Creates a meeting; the same {@code clientRequestToken} always yields the same meeting. */
  Future<JsonObject> createMeeting(String externalMeetingId, String clientRequestToken);

  /** Whether the provider still knows the meeting (Chime ends idle meetings by itself). */
  Future<Boolean> meetingExists(String meetingId);

  /** Ends the meeting; a meeting already gone counts as ended. */
  Future<Void> deleteMeeting(String meetingId);

  /** Adds an attendee; the same external user id in the same meeting yields the same attendee. */
  Future<JsonObject> createAttendee(String meetingId, String externalUserId);

  /**
   * The external user ids of the attendees the meeting still has; none for a meeting the provider no longer
   * knows.
   */
  Future<Set<String>> attachedUsers(String meetingId);

  /** The provider's name as stored with each meeting: {@code chime} or {@code local}. */
  String name();

  /** Releases the provider's clients; may block, so it runs on a worker thread. */
  void close();
}
