package red.sessions.vyoma.meetings;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.platform.Cluster;
import red.sessions.vyoma.platform.SharedLookups;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Meeting and attendee lookups shared by every node ({@link SharedLookups}: Hazelcast maps with backups
 * when clustered, in memory otherwise), kept as JSON text that only this class writes and reads; nodes read
 * what others wrote, those of the previous release too while a rolling upgrade runs, so the shapes stay as
 * they are. PostgreSQL stays the record: a miss here is read from the database and remembered, so a restart
 * or a lost node loses nothing. When clustered, each node keeps a near cache of the maps
 * ({@code conf/cluster.xml}), invalidated as entries change; a cached meeting is served only when the
 * database still holds it live (the callers check), so an ended one never is. Ending a meeting forgets it and
 * its attendees; every entry also expires {@code ttl} ({@code meetings.lookup_ttl_seconds}) after it was
 * last written, longer than Chime lets a meeting live, so entries of meetings nobody ended, or written as
 * their meeting ended, do not pile up for the life of the cluster.
 */
final class MeetingDirectory {

  static final String MEETINGS = "vyoma.meetings";
  static final String ATTENDEES = "vyoma.attendees";
  static final String VERIFIED_AT = "verified_at";

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
   * The session's live meeting, from the map when it holds that very meeting ({@code liveMeetingId}), or
   * else from {@code load} (then remembered, not yet verified).
   */
  Future<Optional<LiveMeeting>> liveMeetingOf(UUID sessionId, String liveMeetingId,
                                              Supplier<Future<Optional<Meeting>>> load) {
    return read(meetings, bySession(sessionId)).map(hit -> hit.map(MeetingDirectory::fromRecord))
      .compose(hit -> hit.isPresent() && liveMeetingId.equals(hit.get().meeting().meetingId())
        ? Future.succeededFuture(hit)
        : load.get().map(found -> found.map(LiveMeeting::unverified))
          .compose(found -> found.isPresent() ? remember(found.get()).map(found) : Future.succeededFuture(found)));
  }

  /** A live meeting by its id, if the map holds it. */
  Future<Optional<Meeting>> liveMeeting(String meetingId) {
    return read(meetings, byId(meetingId)).map(hit -> hit.map(record -> fromRecord(record).meeting()));
  }

  Future<Void> remember(LiveMeeting live) {
    Meeting meeting = live.meeting();
    String text = toRecord(live).encode();
    return meetings.put(bySession(meeting.sessionId()), text, ttl)
      .compose(v -> meetings.put(byId(meeting.meetingId()), text, ttl));
  }

  /** Forgets the ended meeting and the attendees of these users in it. */
  Future<Void> forget(Meeting meeting, List<String> attendeeUserIds) {
    String meetingId = meeting.meetingId();
    return meetings.remove(bySession(meeting.sessionId()))
      .compose(v -> meetings.remove(byId(meetingId)))
      .compose(v -> Future.all(attendeeUserIds.stream().map(userId -> attendees.remove(attendeeKey(meetingId, userId))).toList()))
      .mapEmpty();
  }

  /** The user's attendee in the meeting, from the map or else from {@code load} (then remembered). */
  Future<Optional<Attendee>> attendee(String meetingId, String userId, Supplier<Future<Optional<Attendee>>> load) {
    return read(attendees, attendeeKey(meetingId, userId))
      .map(hit -> hit.map(record -> new Attendee(meetingId, userId, record.getString("attendee_id"),
        record.getJsonObject("attendee_data"))))
      .compose(hit -> hit.isPresent()
        ? Future.succeededFuture(hit)
        : load.get().compose(found -> found.isPresent() ? remember(found.get()).map(found) : Future.succeededFuture(found)));
  }

  /** Remembers the attendee as {@code {attendee_id, attendee_data}} under its meeting and user (the key). */
  Future<Void> remember(Attendee attendee) {
    JsonObject record = new JsonObject()
      .put("attendee_id", attendee.attendeeId())
      .put("attendee_data", attendee.attendeeData());
    return attendees.put(attendeeKey(attendee.meetingId(), attendee.userId()), record.encode(), ttl);
  }

  /**
   * A live meeting as the map holds it: {@code {meeting_id, session_id, meeting_data, verified_at}}, the time
   * in epoch milliseconds, left out until the provider has confirmed the meeting.
   */
  private static JsonObject toRecord(LiveMeeting live) {
    Meeting meeting = live.meeting();
    JsonObject record = new JsonObject()
      .put("meeting_id", meeting.meetingId())
      .put("session_id", meeting.sessionId().toString())
      .put("meeting_data", meeting.meetingData());
    return live.verifiedAt() == null ? record : record.put(VERIFIED_AT, live.verifiedAt().toEpochMilli());
  }

  private static LiveMeeting fromRecord(JsonObject record) {
    Long verifiedAt = record.getLong(VERIFIED_AT);
    return new LiveMeeting(
      new Meeting(record.getString("meeting_id"), UUID.fromString(record.getString("session_id")),
        record.getJsonObject("meeting_data")),
      verifiedAt == null ? null : Instant.ofEpochMilli(verifiedAt));
  }

  private static Future<Optional<JsonObject>> read(SharedLookups map, String key) {
    return map.get(key).map(text -> Optional.ofNullable(text).map(JsonObject::new));
  }

  private static String attendeeKey(String meetingId, String userId) {
    return meetingId + "/" + userId;
  }

  static String bySession(UUID sessionId) {
    return "session:" + sessionId;
  }

  private static String byId(String meetingId) {
    return "meeting:" + meetingId;
  }
}
