package red.sessions.vyoma.meetings;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import java.util.UUID;

/**
 * The embedded default: meetings and attendees of exactly Chime's shape, made up locally, so the whole
 * flow can be tried without AWS. They are marked as local by the media region {@code local} and URLs
 * under {@code local.vyoma.invalid}. Ids derive from the request tokens, so every node answers the same
 * meeting for the same token without sharing anything; a local meeting ends only when deleted.
 */
final class LocalMeetingProvider implements MeetingProvider {

  static final String REGION = "local";
  private static final String HOST = "local.vyoma.invalid";

  private final int maxAttendees;

  LocalMeetingProvider(int maxAttendees) {
    this.maxAttendees = maxAttendees;
  }

  @Override
  public Future<JsonObject> createMeeting(String externalMeetingId, String clientRequestToken) {
    String id = derivedId("meeting", clientRequestToken);
    return Future.succeededFuture(new JsonObject()
      .put("MeetingId", id)
      .put("ExternalMeetingId", externalMeetingId)
      .put("MediaRegion", REGION)
      .put("MeetingArn", "arn:aws:chime:" + REGION + ":000000000000:meeting/" + id)
      .put("MediaPlacement", new JsonObject()
        .put("AudioHostUrl", HOST + ":3478")
        .put("AudioFallbackUrl", "wss://" + HOST + "/audio/" + id)
        .put("SignalingUrl", "wss://" + HOST + "/control/" + id)
        .put("TurnControlUrl", "https://" + HOST + "/v2/turn_sessions")
        .put("ScreenDataUrl", "wss://" + HOST + "/screen/" + id)
        .put("ScreenViewingUrl", "wss://" + HOST + "/ws/connect?passcode=null&viewer_uuid=null&X-BitHub-Call-Id=" + id)
        .put("ScreenSharingUrl", "wss://" + HOST + "/v2/screen/" + id)
        .put("EventIngestionUrl", "https://" + HOST + "/v2/client-events"))
      .put("MeetingFeatures", new JsonObject()
        .put("Attendee", new JsonObject().put("MaxCount", maxAttendees))));
  }

  @Override
  public Future<Boolean> meetingExists(String meetingId) {
    return Future.succeededFuture(true);
  }

  @Override
  public Future<Void> deleteMeeting(String meetingId) {
    return Future.succeededFuture();
  }

  @Override
  public Future<JsonObject> createAttendee(String meetingId, String externalUserId) {
    String id = derivedId("attendee", meetingId + "/" + externalUserId);
    String joinToken = Base64.getUrlEncoder().withoutPadding()
      .encodeToString(derivedId("join", id).getBytes(StandardCharsets.US_ASCII));
    return Future.succeededFuture(new JsonObject()
      .put("ExternalUserId", externalUserId)
      .put("AttendeeId", id)
      .put("JoinToken", joinToken)
      .put("Capabilities", new JsonObject().put("Audio", "SendReceive").put("Video", "SendReceive")
        .put("Content", "SendReceive")));
  }

  /** Local meetings have no attendee list; attendance from Chime's events needs the chime provider (checked at start). */
  @Override
  public Future<Set<String>> attachedUsers(String meetingId) {
    return Future.failedFuture(new UnsupportedOperationException("local meetings have no attendee list"));
  }

  private static String derivedId(String kind, String seed) {
    return UUID.nameUUIDFromBytes((kind + ":" + seed).getBytes(StandardCharsets.UTF_8)).toString();
  }

  @Override
  public String name() {
    return "local";
  }

  @Override
  public void close() {
    // nothing to release
  }
}
