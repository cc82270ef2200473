package red.sessions.vyoma.meetings;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.kernel.Times;

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

  /** A capture and its files; {@code artifacts} only where they were listed ({@code GET /sessions/{id}/recordings}). */
  public static JsonObject recording(Recording recording) {
    JsonObject json = new JsonObject()
      .put("recording_id", recording.recordingId())
      .put("session_id", recording.sessionId().toString())
      .put("meeting_id", recording.meetingId())
      .put("status", recording.running() ? "recording" : "stopped")
      .put("started_by", recording.startedBy())
      .put("started_at", Times.format(recording.startedAt()))
      .put("stopped_at", recording.stoppedAt() == null ? null : Times.format(recording.stoppedAt()))
      .put("stop_reason", recording.stopReason());
    JsonArray artifacts = new JsonArray();
    recording.artifacts().forEach(artifact -> artifacts.add(new JsonObject()
      .put("key", artifact.key())
      .put("size", artifact.size())
      .put("last_modified", Times.format(artifact.lastModified()))
      .put("url", artifact.url())
      .put("expires_at", Times.format(artifact.expiresAt()))));
    return json.put("artifacts", artifacts);
  }

  public static JsonObject consents(Consents consents) {
    return new JsonObject().put("session_id", consents.sessionId().toString())
      .put("consents", new JsonObject().put("student", consents.student()).put("teacher", consents.teacher()));
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
