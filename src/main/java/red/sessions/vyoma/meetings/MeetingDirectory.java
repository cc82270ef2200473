package red.sessions.vyoma.meetings;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;

import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Meeting and attendee lookups shared by every node: Vert.x async maps, held by Hazelcast (with backups)
 * when clustered and in memory otherwise. PostgreSQL stays the record: a miss here is read from the
 * database and remembered, so a restart or a lost node loses nothing. When clustered, each node keeps a
 * near cache of the maps ({@code conf/cluster.xml}), invalidated as entries change; a cached meeting is
 * served only when the database still holds it live (the callers check), so an ended one never is.
 */
final class MeetingDirectory {

  static final String MEETINGS = "vyoma.meetings";
  static final String ATTENDEES = "vyoma.attendees";

  private final AsyncMap<String, JsonObject> meetings;
  private final AsyncMap<String, JsonObject> attendees;

  private MeetingDirectory(AsyncMap<String, JsonObject> meetings, AsyncMap<String, JsonObject> attendees) {
    this.meetings = meetings;
    this.attendees = attendees;
  }

  static Future<MeetingDirectory> open(Vertx vertx) {
    Future<AsyncMap<String, JsonObject>> meetings = vertx.sharedData().getAsyncMap(MEETINGS);
    Future<AsyncMap<String, JsonObject>> attendees = vertx.sharedData().getAsyncMap(ATTENDEES);
    return Future.all(meetings, attendees).map(v -> new MeetingDirectory(meetings.result(), attendees.result()));
  }

  /**
   * The session's live meeting record, from the map when it holds that very meeting ({@code liveMeetingId}),
   * or else from {@code load} (then remembered).
   */
  Future<Optional<JsonObject>> liveMeetingOf(UUID sessionId, String liveMeetingId,
                                             Supplier<Future<Optional<JsonObject>>> load) {
    return meetings.get(bySession(sessionId.toString())).compose(hit -> hit != null && liveMeetingId.equals(hit.getString("meeting_id"))
      ? Future.succeededFuture(Optional.of(hit))
      : load.get().compose(found -> found.isPresent() ? remember(found.get()).map(found) : Future.succeededFuture(found)));
  }

  /** A live meeting's record by its id, if the map holds it. */
  Future<Optional<JsonObject>> liveMeeting(String meetingId) {
    return meetings.get(byId(meetingId)).map(Optional::ofNullable);
  }

  Future<Void> remember(JsonObject meeting) {
    return meetings.put(bySession(meeting.getString("session_id")), meeting)
      .compose(v -> meetings.put(byId(meeting.getString("meeting_id")), meeting));
  }

  Future<Void> forget(JsonObject meeting) {
    return meetings.remove(bySession(meeting.getString("session_id")))
      .compose(v -> meetings.remove(byId(meeting.getString("meeting_id"))))
      .mapEmpty();
  }

  /** The user's attendee in the meeting, from the map or else from {@code load} (then remembered). */
  Future<Optional<JsonObject>> attendee(String meetingId, String userId, Supplier<Future<Optional<JsonObject>>> load) {
    String key = meetingId + "/" + userId;
    return attendees.get(key).compose(hit -> hit != null
      ? Future.succeededFuture(Optional.of(hit))
      : load.get().compose(found -> found.isPresent() ? attendees.put(key, found.get()).map(found) : Future.succeededFuture(found)));
  }

  Future<Void> remember(String meetingId, String userId, JsonObject attendee) {
    return attendees.put(meetingId + "/" + userId, attendee);
  }

  private static String bySession(String sessionId) {
    return "session:" + sessionId;
  }

  private static String byId(String meetingId) {
    return "meeting:" + meetingId;
  }
}
