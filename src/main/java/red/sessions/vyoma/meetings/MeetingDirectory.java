package red.sessions.vyoma.meetings;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.platform.Cluster;
import red.sessions.vyoma.platform.SharedLookups;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Meeting and attendee lookups shared by every node ({@link SharedLookups}: Hazelcast maps with backups
 * when clustered, in memory otherwise), kept as JSON text. PostgreSQL stays the record: a miss here is
 * read from the database and remembered, so a restart or a lost node loses nothing. When clustered, each
 * node keeps a near cache of the maps ({@code conf/cluster.xml}), invalidated as entries change; a cached
 * meeting is served only when the database still holds it live (the callers check), so an ended one never
 * is. Ending a meeting forgets it and its attendees; every entry also expires {@code ttl}
 * ({@code meetings.lookup_ttl_seconds}) after it was last written, longer than Chime lets a meeting live, so
 * entries of meetings nobody ended, or written as their meeting ended, do not pile up for the life of the
 * cluster.
 */
final class MeetingDirectory {

  static final String MEETINGS = "vyoma.meetings";
  static final String ATTENDEES = "vyoma.attendees";

  private final SharedLookups meetings;
  private final SharedLookups attendees;
  private final Duration ttl;

  private MeetingDirectory(SharedLookups meetings, SharedLookups attendees, Duration ttl) {
    this.meetings = meetings;
    this.attendees = attendees;
    this.ttl = ttl;
  }

  /** The node's view of the maps ({@code cluster} null on a single node). */
  static Future<MeetingDirectory> open(Vertx vertx, Cluster cluster, Duration ttl) {
    Future<SharedLookups> meetings = SharedLookups.open(vertx, cluster, MEETINGS);
    Future<SharedLookups> attendees = SharedLookups.open(vertx, cluster, ATTENDEES);
    return Future.all(meetings, attendees).map(v -> new MeetingDirectory(meetings.result(), attendees.result(), ttl));
  }

  /**
   * The session's live meeting record, from the map when it holds that very meeting ({@code liveMeetingId}),
   * or else from {@code load} (then remembered).
   */
  Future<Optional<JsonObject>> liveMeetingOf(UUID sessionId, String liveMeetingId,
                                             Supplier<Future<Optional<JsonObject>>> load) {
    return read(meetings, bySession(sessionId.toString())).compose(hit -> hit.isPresent()
      && liveMeetingId.equals(hit.get().getString("meeting_id"))
      ? Future.succeededFuture(hit)
      : load.get().compose(found -> found.isPresent() ? remember(found.get()).map(found) : Future.succeededFuture(found)));
  }

  /** A live meeting's record by its id, if the map holds it. */
  Future<Optional<JsonObject>> liveMeeting(String meetingId) {
    return read(meetings, byId(meetingId));
  }

  Future<Void> remember(JsonObject meeting) {
    String text = meeting.encode();
    return meetings.put(bySession(meeting.getString("session_id")), text, ttl)
      .compose(v -> meetings.put(byId(meeting.getString("meeting_id")), text, ttl));
  }

  /** Forgets the ended meeting and the attendees of these users in it. */
  Future<Void> forget(JsonObject meeting, List<String> attendeeUserIds) {
    String meetingId = meeting.getString("meeting_id");
    return meetings.remove(bySession(meeting.getString("session_id")))
      .compose(v -> meetings.remove(byId(meetingId)))
      .compose(v -> Future.all(attendeeUserIds.stream().map(userId -> attendees.remove(attendeeKey(meetingId, userId))).toList()))
      .mapEmpty();
  }

  /** The user's attendee in the meeting, from the map or else from {@code load} (then remembered). */
  Future<Optional<JsonObject>> attendee(String meetingId, String userId, Supplier<Future<Optional<JsonObject>>> load) {
    return read(attendees, attendeeKey(meetingId, userId)).compose(hit -> hit.isPresent()
      ? Future.succeededFuture(hit)
      : load.get().compose(found -> found.isPresent()
        ? remember(meetingId, userId, found.get()).map(found)
        : Future.succeededFuture(found)));
  }

  Future<Void> remember(String meetingId, String userId, JsonObject attendee) {
    return attendees.put(attendeeKey(meetingId, userId), attendee.encode(), ttl);
  }

  private static Future<Optional<JsonObject>> read(SharedLookups map, String key) {
    return map.get(key).map(text -> Optional.ofNullable(text).map(JsonObject::new));
  }

  private static String attendeeKey(String meetingId, String userId) {
    return meetingId + "/" + userId;
  }

  private static String bySession(String sessionId) {
    return "session:" + sessionId;
  }

  private static String byId(String meetingId) {
    return "meeting:" + meetingId;
  }
}
