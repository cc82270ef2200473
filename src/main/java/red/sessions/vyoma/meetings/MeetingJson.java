package red.sessions.vyoma.meetings;

import io.vertx.core.json.JsonObject;

/**
 * The meetings domain's wire format, in one place: a meeting and an attendee as the API answers them, and
 * as the events of their changes carry them ({@code meeting.*}, {@code attendee.joined}).
 */
public final class MeetingJson {

  private MeetingJson() {
  }

  public static JsonObject meeting(Meeting meeting) {
    return new JsonObject().put("meeting_id", meeting.meetingId()).put("meeting_data", meeting.meetingData());
  }

  /**
   * The meeting as {@code meeting.ended} carries it, with why the server ended it when that was its own doing
   * ({@code reason} {@code lesson_over}); without a reason when a party or Chime ended it.
   */
  static JsonObject ended(Meeting meeting, EndReason reason) {
    JsonObject data = meeting(meeting);
    reason.wire().ifPresent(wire -> data.put("reason", wire));
    return data;
  }

  /** The attendee as the API shows it to the user who joined, join token and all. */
  public static JsonObject attendee(Attendee attendee) {
    return new JsonObject().put("attendee_id", attendee.attendeeId()).put("attendee_data", attendee.attendeeData());
  }

  /**
   * The attendee as its event shows it to both parties: without the join token, which lets whoever holds it
   * into the meeting as this attendee.
   */
  static JsonObject attendeeJoined(Attendee attendee) {
    JsonObject data = attendee.attendeeData().copy();
    data.remove("JoinToken");
    return new JsonObject().put("meeting_id", attendee.meetingId()).put("user_id", attendee.userId())
      .put("attendee_id", attendee.attendeeId()).put("attendee_data", data);
  }
}
