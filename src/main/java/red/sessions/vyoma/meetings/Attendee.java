package red.sessions.vyoma.meetings;

import io.vertx.core.json.JsonObject;

/**
 * A user's attendee in a meeting; a user has at most one per meeting.
 *
 * @param attendeeId   the provider's id of the attendee (Chime's {@code AttendeeId})
 * @param attendeeData the provider's {@code Attendee} document with its join token, opaque here: the Chime
 *                     client SDKs take it as the provider wrote it
 */
public record Attendee(String meetingId, String userId, String attendeeId, JsonObject attendeeData) {
}
