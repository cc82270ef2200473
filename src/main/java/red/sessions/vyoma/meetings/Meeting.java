package red.sessions.vyoma.meetings;

import io.vertx.core.json.JsonObject;

import java.util.UUID;

/**
 * A session's meeting.
 *
 * @param meetingId   the provider's id of the meeting (Chime's {@code MeetingId})
 * @param meetingData the provider's {@code Meeting} document, opaque here: the Chime client SDKs take it as
 *                    the provider wrote it
 */
public record Meeting(String meetingId, UUID sessionId, JsonObject meetingData) {
}
