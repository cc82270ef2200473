package red.sessions.vyoma.meetings;

/**
 * A user joining a meeting as an attendee.
 *
 * @param name the display name the attendee is recorded with, 1 to {@link #MAX_NAME} characters
 */
public record NewAttendee(String meetingId, String userId, String name) {

  public static final int MAX_NAME = 100;
}
