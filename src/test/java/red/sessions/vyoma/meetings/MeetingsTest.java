package red.sessions.vyoma.meetings;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import red.sessions.vyoma.support.Api;
import red.sessions.vyoma.support.FakeChime;
import red.sessions.vyoma.support.LessonEvents;
import red.sessions.vyoma.support.Seed.Lesson;
import red.sessions.vyoma.support.ServerTest;
import red.sessions.vyoma.support.TestServer;
import red.sessions.vyoma.support.Wait;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.support.Api.assertError;
import static red.sessions.vyoma.support.Api.assertJson;

/** Meetings and attendees over HTTP: with the local provider, and with Chime through the real AWS SDK. */
@ExtendWith(VertxExtension.class)
class MeetingsTest extends ServerTest {

  static HttpResponse<Buffer> join(TestServer on, String userId, String sessionId) {
    return on.api().post("/meetings", on.token(userId), new JsonObject().put("session_id", sessionId));
  }

  static HttpResponse<Buffer> attend(TestServer on, String userId, String meetingId) {
    return on.api().post("/attendees", on.token(userId),
      new JsonObject().put("meeting_id", meetingId).put("user_id", userId).put("name", "Name of " + userId));
  }

  static HttpResponse<Buffer> end(TestServer on, String userId, String meetingId) {
    return on.api().send(HttpMethod.DELETE, "/meetings", on.token(userId), new JsonObject().put("meeting_id", meetingId));
  }

  static <T> List<T> all(int n, IntFunction<Future<T>> call) {
    return Future.all(IntStream.range(0, n).mapToObj(call).toList()).await().list();
  }

  @Test
  void joiningCreatesAMeetingOfChimesShapeThatBothPartiesShare() {
    Lesson lesson = server.seed().lesson(2);
    JsonObject created = assertJson(join(server, lesson.studentId(), lesson.sessionId()), 201);
    JsonObject meeting = created.getJsonObject("meeting_data");
    assertEquals(created.getString("meeting_id"), meeting.getString("MeetingId"));
    assertEquals("session-" + lesson.sessionId(), meeting.getString("ExternalMeetingId"));
    assertEquals("local", meeting.getString("MediaRegion"));
    for (String url : List.of("AudioHostUrl", "AudioFallbackUrl", "SignalingUrl", "TurnControlUrl", "ScreenDataUrl",
      "ScreenViewingUrl", "ScreenSharingUrl", "EventIngestionUrl")) {
      assertTrue(meeting.getJsonObject("MediaPlacement").getString(url).contains("local.vyoma.invalid"), url);
    }
    assertEquals(4, meeting.getJsonObject("MeetingFeatures").getJsonObject("Attendee").getInteger("MaxCount"));

    JsonObject again = assertJson(join(server, lesson.teacherId(), lesson.sessionId()), 200);
    assertEquals(created, again);
    assertEquals(created, assertJson(server.api().get("/meetings/" + lesson.sessionId(), server.token(lesson.teacherId())), 200));
    JsonObject session = assertJson(server.api().get("/sessions/" + lesson.sessionId(), server.token(lesson.studentId())), 200);
    assertEquals(meeting, session.getJsonObject("meeting_data"));
  }

  @Test
  void simultaneousJoinsEndUpInOneMeeting() {
    Lesson lesson = server.seed().lesson(2);
    List<HttpResponse<Buffer>> responses = all(12, i ->
      server.api().request(HttpMethod.POST, "/meetings")
        .bearerTokenAuthentication(server.token(i % 2 == 0 ? lesson.studentId() : lesson.teacherId()))
        .sendJsonObject(new JsonObject().put("session_id", lesson.sessionId())));
    assertEquals(1, responses.stream().map(r -> r.bodyAsJsonObject().getString("meeting_id")).distinct().count());
    responses.forEach(r -> assertTrue(r.statusCode() == 200 || r.statusCode() == 201, r::bodyAsString));
  }

  @Test
  void anAttendeeIsMadeOnceForTheCallersOwnUser() {
    Lesson lesson = server.seed().lesson(2);
    String meetingId = assertJson(join(server, lesson.studentId(), lesson.sessionId()), 201).getString("meeting_id");

    JsonObject attendee = assertJson(attend(server, lesson.studentId(), meetingId), 201);
    JsonObject data = attendee.getJsonObject("attendee_data");
    assertEquals(attendee.getString("attendee_id"), data.getString("AttendeeId"));
    assertEquals(lesson.studentId(), data.getString("ExternalUserId"));
    assertFalse(data.getString("JoinToken").isBlank());
    assertEquals(attendee, assertJson(attend(server, lesson.studentId(), meetingId), 200));

    JsonObject teacher = assertJson(attend(server, lesson.teacherId(), meetingId), 201);
    assertNotEquals(attendee.getString("attendee_id"), teacher.getString("attendee_id"));

    assertError(server.api().post("/attendees", server.token(lesson.studentId()), new JsonObject()
      .put("meeting_id", meetingId).put("user_id", lesson.teacherId()).put("name", "Impostor")), 403);
    assertError(server.api().post("/attendees", server.token(lesson.studentId()), new JsonObject()
      .put("meeting_id", meetingId).put("user_id", lesson.studentId())), 400);
    assertError(attend(server, lesson.studentId(), "no-such-meeting"), 404);
  }

  @Test
  void strangersReachNoMeetingOfTheSession() {
    Lesson lesson = server.seed().lesson(2);
    String stranger = server.seed().student();
    String meetingId = assertJson(join(server, lesson.studentId(), lesson.sessionId()), 201).getString("meeting_id");

    assertError(join(server, stranger, lesson.sessionId()), 403);
    assertError(server.api().get("/meetings/" + lesson.sessionId(), server.token(stranger)), 403);
    assertError(attend(server, stranger, meetingId), 403);
    assertError(end(server, stranger, meetingId), 403);
    assertJson(server.api().get("/meetings/" + lesson.sessionId(), server.token(lesson.teacherId())), 200);
    assertJson(server.api().get("/meetings/" + lesson.sessionId(), server.adminToken("root")), 200);
  }

  @Test
  void anEndedMeetingIsGoneAndTheNextJoinStartsAFreshOne() {
    Lesson lesson = server.seed().lesson(2);
    String first = assertJson(join(server, lesson.studentId(), lesson.sessionId()), 201).getString("meeting_id");

    assertEquals("Meeting ended successfully", assertJson(end(server, lesson.teacherId(), first), 200).getString("message"));
    assertError(server.api().get("/meetings/" + lesson.sessionId(), server.token(lesson.studentId())), 404);
    assertJson(end(server, lesson.teacherId(), first), 200);
    assertError(attend(server, lesson.studentId(), first), 404);
    assertEquals(new JsonObject(),
      assertJson(server.api().get("/sessions/" + lesson.sessionId(), server.token(lesson.studentId())), 200)
        .getJsonObject("meeting_data"));

    String second = assertJson(join(server, lesson.studentId(), lesson.sessionId()), 201).getString("meeting_id");
    assertNotEquals(first, second);
  }

  @Test
  void theMeetingsEventsCarryTheMeetingAndItsAttendeesAsTheApiAnswersThem() {
    Lesson lesson = server.seed().lesson(2);
    JsonObject meeting = assertJson(join(server, lesson.studentId(), lesson.sessionId()), 201);
    String meetingId = meeting.getString("meeting_id");
    JsonObject student = assertJson(attend(server, lesson.studentId(), meetingId), 201);
    JsonObject teacher = assertJson(attend(server, lesson.teacherId(), meetingId), 201);
    assertJson(end(server, lesson.teacherId(), meetingId), 200);

    // The booking's two events and the session's come first.
    List<JsonObject> events = LessonEvents.eventsOf(server, server.token(lesson.studentId()), "", 7).subList(3, 7);
    assertEquals(List.of("meeting.started", "attendee.joined", "attendee.joined", "meeting.ended"),
      events.stream().map(event -> event.getString("type")).toList());
    assertEquals(meeting, events.get(0).getJsonObject("data"));
    assertEquals(joinedEvent(meetingId, lesson.studentId(), student), events.get(1).getJsonObject("data"));
    assertEquals(joinedEvent(meetingId, lesson.teacherId(), teacher), events.get(2).getJsonObject("data"));
    assertEquals(meeting, events.get(3).getJsonObject("data"));
  }

  /** The attendee as {@code attendee.joined} carries it: the API's answer with its meeting and user, less the join token. */
  private static JsonObject joinedEvent(String meetingId, String userId, JsonObject attendee) {
    JsonObject data = attendee.getJsonObject("attendee_data").copy();
    data.remove("JoinToken");
    return new JsonObject().put("meeting_id", meetingId).put("user_id", userId)
      .put("attendee_id", attendee.getString("attendee_id")).put("attendee_data", data);
  }

  @Test
  void aCancelledBookingsSessionGetsNoMeeting() {
    Lesson lesson = server.seed().lesson(2);
    assertJson(server.api().send(HttpMethod.PATCH, "/bookings/" + lesson.bookingId(), server.token(lesson.studentId()),
      new JsonObject().put("status", "cancelled")), 200);
    assertError(join(server, lesson.studentId(), lesson.sessionId()), 409);
  }

  @Test
  void invalidRequestsAre400Or404() {
    Lesson lesson = server.seed().lesson(2);
    String token = server.token(lesson.studentId());
    assertError(server.api().post("/meetings", token, new JsonObject()), 400);
    assertError(server.api().post("/meetings", token, new JsonObject().put("session_id", "nope")), 400);
    assertError(server.api().post("/meetings", token, new JsonObject().put("session_id", "00000000-0000-0000-0000-000000000000")), 404);
    assertError(server.api().get("/meetings/nope", token), 400);
    assertError(server.api().send(HttpMethod.DELETE, "/meetings", token, new JsonObject()), 400);
    assertError(end(server, lesson.studentId(), "no-such-meeting"), 404);
  }

  @Test
  void anotherServerOnTheSameDatabaseAnswersForTheMeeting() {
    Lesson lesson = server.seed().lesson(2);
    JsonObject created = assertJson(join(server, lesson.studentId(), lesson.sessionId()), 201);
    JsonObject attendee = assertJson(attend(server, lesson.studentId(), created.getString("meeting_id")), 201);

    try (TestServer other = TestServer.start(Map.of("VYOMA_DATA_DIR", server.config().dataDir().toString()))) {
      assertEquals(created, assertJson(other.api().get("/meetings/" + lesson.sessionId(), other.token(lesson.teacherId())), 200));
      assertEquals(attendee, assertJson(attend(other, lesson.studentId(), created.getString("meeting_id")), 200));
    }
  }

  /** The keys of one of a node's directory maps, read through Vert.x's shared-data API. */
  static Set<String> directoryKeys(TestServer on, String map) {
    return on.vertx().sharedData().<String, JsonObject>getAsyncMap(map).compose(AsyncMap::keys).await();
  }

  static int directorySize(TestServer on, String map) {
    return on.vertx().sharedData().<String, JsonObject>getAsyncMap(map).compose(AsyncMap::size).await();
  }

  /** Ending a meeting forgets its attendees' lookups along with its own. */
  @Test
  void endingAMeetingForgetsItAndItsAttendeesInTheDirectory() {
    Lesson lesson = server.seed().lesson(2);
    String meetingId = assertJson(join(server, lesson.studentId(), lesson.sessionId()), 201).getString("meeting_id");
    assertJson(attend(server, lesson.studentId(), meetingId), 201);
    assertJson(attend(server, lesson.teacherId(), meetingId), 201);
    Predicate<String> ofThisMeeting = key -> key.contains(meetingId) || key.contains(lesson.sessionId());
    assertEquals(2, directoryKeys(server, MeetingDirectory.MEETINGS).stream().filter(ofThisMeeting).count(),
      "the meeting, by session and by id");
    assertEquals(2, directoryKeys(server, MeetingDirectory.ATTENDEES).stream().filter(ofThisMeeting).count(),
      "the two attendees");

    assertJson(end(server, lesson.teacherId(), meetingId), 200);
    assertEquals(List.of(), directoryKeys(server, MeetingDirectory.MEETINGS).stream().filter(ofThisMeeting).toList());
    assertEquals(List.of(), directoryKeys(server, MeetingDirectory.ATTENDEES).stream().filter(ofThisMeeting).toList());
  }

  /**
   * Lookups expire by themselves, unclustered (Vert.x's local async map) and clustered (a Hazelcast
   * map; one member, in this JVM), here after 10 seconds, by default after 25 hours; the database keeps the
   * meeting, so it is served the same once its lookups are gone.
   */
  @Test
  void recordingNeedsTheChimeProviderThoughConsentIsKept() {
    Lesson lesson = server.seed().lesson(20);
    assertJson(join(server, lesson.studentId(), lesson.sessionId()), 201);
    String consent = "/sessions/" + lesson.sessionId() + "/recording-consent";
    assertJson(server.api().send(HttpMethod.PUT, consent, server.token(lesson.studentId()),
      new JsonObject().put("consent", true)), 200);
    assertJson(server.api().send(HttpMethod.PUT, consent, server.token(lesson.teacherId()),
      new JsonObject().put("consent", true)), 200);
    String recording = "/sessions/" + lesson.sessionId() + "/recording";
    JsonObject refused = assertError(server.api().send(HttpMethod.POST, recording, server.token(lesson.studentId()), null), 409);
    assertEquals("recording needs the chime provider", refused.getString("message"));
    assertError(server.api().send(HttpMethod.DELETE, recording, server.token(lesson.teacherId()), null), 409);
    assertEquals(new JsonArray(), assertJson(server.api().get("/sessions/" + lesson.sessionId() + "/recordings",
      server.token(lesson.teacherId())), 200).getJsonArray("recordings"));
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class LookupsExpire {

    private static final String TTL_SECONDS = "10";

    private final List<TestServer> servers = new ArrayList<>();

    @BeforeAll
    void start() {
      servers.add(TestServer.start(Map.of("VYOMA_MEETINGS_LOOKUP_TTL_SECONDS", TTL_SECONDS)));
      int clusterPort = TestServer.freePort();
      servers.add(TestServer.start(Map.of("VYOMA_MEETINGS_LOOKUP_TTL_SECONDS", TTL_SECONDS,
        "VYOMA_CLUSTER_ENABLED", "true",
        "VYOMA_CLUSTER_NAME", "vyoma-ttl-" + UUID.randomUUID(),
        "VYOMA_CLUSTER_PORT", String.valueOf(clusterPort),
        "VYOMA_CLUSTER_MEMBERS", "127.0.0.1:" + clusterPort)));
    }

    @AfterAll
    void stop() {
      servers.forEach(TestServer::close);
    }

    @Test
    void lookupsOfAMeetingNobodyEndsExpireBothUnclusteredAndClustered() {
      List<JsonObject> meetings = new ArrayList<>();
      List<Lesson> lessons = new ArrayList<>();
      for (TestServer on : servers) {
        Lesson lesson = on.seed().lesson(2);
        JsonObject meeting = assertJson(join(on, lesson.studentId(), lesson.sessionId()), 201);
        assertJson(attend(on, lesson.studentId(), meeting.getString("meeting_id")), 201);
        assertEquals(2, directorySize(on, MeetingDirectory.MEETINGS), "the meeting, by session and by id");
        assertEquals(1, directorySize(on, MeetingDirectory.ATTENDEES), "the attendee");
        lessons.add(lesson);
        meetings.add(meeting);
      }
      Instant deadline = Instant.now().plusSeconds(60);
      for (TestServer on : servers) {
        Wait.eventually(Duration.between(Instant.now(), deadline), Duration.ofMillis(500),
          () -> directorySize(on, MeetingDirectory.MEETINGS) + directorySize(on, MeetingDirectory.ATTENDEES) == 0,
          () -> "the lookups did not expire within a minute of a " + TTL_SECONDS + "-second TTL");
      }
      for (int i = 0; i < servers.size(); i++) {
        JsonObject again = assertJson(join(servers.get(i), lessons.get(i).teacherId(), lessons.get(i).sessionId()), 200);
        assertEquals(meetings.get(i).getString("meeting_id"), again.getString("meeting_id"), "the same meeting, from the database");
      }
    }
  }


  /**
   * A server of its own whose meetings come from Chime through the real AWS SDK, against a local
   * Chime-protocol server that forgets everything before each test.
   */
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  abstract class ChimeBacked {

    private final long verifyIntervalSeconds;
    private final long attemptTimeoutMs;
    FakeChime chime;
    TestServer chimeServer;

    ChimeBacked(long verifyIntervalSeconds, long attemptTimeoutMs) {
      this.verifyIntervalSeconds = verifyIntervalSeconds;
      this.attemptTimeoutMs = attemptTimeoutMs;
    }

    @BeforeAll
    void start() {
      chime = FakeChime.start(server.vertx());
      chimeServer = TestServer.start(Map.of(
        "VYOMA_MEETINGS_PROVIDER", "chime",
        "VYOMA_MEETINGS_ENDPOINT", chime.endpoint(),
        "VYOMA_MEETINGS_REGION", "eu-central-1",
        "VYOMA_MEETINGS_MEDIA_REGION", "eu-west-2",
        "VYOMA_MEETINGS_ATTEMPT_TIMEOUT_MS", String.valueOf(attemptTimeoutMs),
        "VYOMA_MEETINGS_CALL_TIMEOUT_MS", String.valueOf(3 * attemptTimeoutMs),
        "VYOMA_MEETINGS_MAX_ATTEMPTS", "3",
        "VYOMA_MEETINGS_VERIFY_INTERVAL_SECONDS", String.valueOf(verifyIntervalSeconds)));
    }

    @AfterAll
    void stop() {
      chimeServer.close();
      chime.close();
    }

    @BeforeEach
    void resetChime() {
      chime.reset();
    }
  }

  /** The same flows with the Chime provider, which is asked about a meeting every time it is served. */
  @Nested
  class WithChime extends ChimeBacked {

    WithChime() {
      super(0, 500);
    }

    private List<JsonObject> requests(String method, String pathPrefix) {
      return chime.requests().stream()
        .filter(r -> r.getString("method").equals(method) && r.getString("path").startsWith(pathPrefix)).toList();
    }

    @Test
    void joiningCreatesOneChimeMeetingWithTokensDerivedFromTheSession() {
      Lesson lesson = chimeServer.seed().lesson(2);
      List<HttpResponse<Buffer>> responses = all(8, i -> chimeServer.api().request(HttpMethod.POST, "/meetings")
        .bearerTokenAuthentication(chimeServer.token(i % 2 == 0 ? lesson.studentId() : lesson.teacherId()))
        .sendJsonObject(new JsonObject().put("session_id", lesson.sessionId())));

      assertEquals(1, chime.meetingsCreated());
      assertEquals(1, responses.stream().map(r -> r.bodyAsJsonObject().getString("meeting_id")).distinct().count());
      JsonObject meeting = responses.get(0).bodyAsJsonObject().getJsonObject("meeting_data");
      assertEquals("eu-west-2", meeting.getString("MediaRegion"));
      assertTrue(meeting.getJsonObject("MediaPlacement").getString("SignalingUrl").startsWith("wss://"));

      JsonObject sent = requests("POST", "/meetings").get(0).getJsonObject("body");
      assertEquals("session-" + lesson.sessionId(), sent.getString("ExternalMeetingId"));
      assertTrue(sent.getString("ClientRequestToken").startsWith(lesson.sessionId()), sent::encode);
      assertEquals(4, sent.getJsonObject("MeetingFeatures").getJsonObject("Attendee").getInteger("MaxCount"));
      assertTrue(requests("POST", "/meetings").get(0).getJsonObject("headers").getString("authorization")
        .contains("/eu-central-1/chime/aws4_request"));
    }

    @Test
    void aMeetingChimeEndedByItselfIsGoneAndTheNextJoinMakesANewOne() {
      Lesson lesson = chimeServer.seed().lesson(2);
      JsonObject first = assertJson(join(chimeServer, lesson.studentId(), lesson.sessionId()), 201);
      chime.endByItself(first.getString("meeting_id"));

      assertError(chimeServer.api().get("/meetings/" + lesson.sessionId(), chimeServer.token(lesson.studentId())), 404);
      JsonObject second = assertJson(join(chimeServer, lesson.studentId(), lesson.sessionId()), 201);
      assertNotEquals(first.getString("meeting_id"), second.getString("meeting_id"));
      List<JsonObject> creates = requests("POST", "/meetings").stream().filter(r -> r.getString("path").equals("/meetings")).toList();
      assertNotEquals(creates.get(0).getJsonObject("body").getString("ClientRequestToken"),
        creates.get(1).getJsonObject("body").getString("ClientRequestToken"));
    }

    @Test
    void attendeesAndEndingGoToChime() {
      Lesson lesson = chimeServer.seed().lesson(2);
      String meetingId = assertJson(join(chimeServer, lesson.studentId(), lesson.sessionId()), 201).getString("meeting_id");
      JsonObject attendee = assertJson(attend(chimeServer, lesson.teacherId(), meetingId), 201);
      assertEquals(lesson.teacherId(), requests("POST", "/meetings/" + meetingId + "/attendees").get(0)
        .getJsonObject("body").getString("ExternalUserId"));
      assertEquals(attendee, assertJson(attend(chimeServer, lesson.teacherId(), meetingId), 200));
      assertEquals(1, requests("POST", "/meetings/" + meetingId + "/attendees").size(), "the second join asked Chime nothing");

      assertJson(end(chimeServer, lesson.teacherId(), meetingId), 200);
      assertEquals(1, requests("DELETE", "/meetings/" + meetingId).size());
      assertError(chimeServer.api().get("/meetings/" + lesson.sessionId(), chimeServer.token(lesson.studentId())), 404);
    }

    @Test
    void throttlingIsRetriedThenAnswered503WithoutAwsInternals() {
      Lesson lesson = chimeServer.seed().lesson(2);
      chime.throttleNext(2);
      assertJson(join(chimeServer, lesson.studentId(), lesson.sessionId()), 201);

      Lesson other = chimeServer.seed().lesson(2);
      chime.throttleNext(100);
      JsonObject error = assertError(join(chimeServer, other.studentId(), other.sessionId()), 503);
      assertFalse(error.getString("message").toLowerCase().contains("throttl"), error::encode);
      assertFalse(error.getString("message").toLowerCase().contains("amazon"), error::encode);
    }

    @Test
    void aChimeRefusalIs502AndAHangingChimeIs503() {
      Lesson lesson = chimeServer.seed().lesson(2);
      chime.failNext(1, 400, "BadRequestException");
      assertError(join(chimeServer, lesson.studentId(), lesson.sessionId()), 502);
      chime.hangNext(100);
      assertError(join(chimeServer, lesson.studentId(), lesson.sessionId()), 503);
      chime.reset();
      assertJson(join(chimeServer, lesson.studentId(), lesson.sessionId()), 201);
    }
  }

  /**
   * Chime asked whether a meeting still runs at most once per {@code meetings.verify_interval_seconds}:
   * in between, meetings and attendees are served from what the server holds, even one Chime has ended.
   */
  @Nested
  class WithChimeCheckedOncePerInterval extends ChimeBacked {

    // Far longer than any test takes, so no call is ever late enough to end it: the interval ends only when a
    // test says it has (intervalPassed), and nothing here depends on how fast the machine is.
    private static final Duration INTERVAL = Duration.ofHours(1);

    // What Chime was asked is counted in requests, so no attempt may be retried for being slow: on a loaded machine
    // one outlived a 500 ms attempt timeout and was asked again. Nothing here hangs, so attempts may take long.
    WithChimeCheckedOncePerInterval() {
      super(INTERVAL.toSeconds(), 20_000);
    }

    private HttpResponse<Buffer> meetingOf(String userId, String sessionId) {
      return chimeServer.api().get("/meetings/" + sessionId, chimeServer.token(userId));
    }

    /**
     * Moves the time of the session's meeting's last answer from Chime one interval (and a second) into the
     * past, in the node's directory, as if the interval had gone by since (as {@code Seed.lessonTimeCame}
     * moves a lesson's times in the database).
     */
    private void intervalPassed(String sessionId) {
      AsyncMap<String, String> meetings = chimeServer.vertx().sharedData()
        .<String, String>getAsyncMap(MeetingDirectory.MEETINGS).await();
      String key = MeetingDirectory.bySession(UUID.fromString(sessionId));
      JsonObject record = new JsonObject(meetings.get(key).await());
      long verifiedAt = record.getLong(MeetingDirectory.VERIFIED_AT);
      meetings.put(key, record.put(MeetingDirectory.VERIFIED_AT, verifiedAt - INTERVAL.plusSeconds(1).toMillis()).encode()).await();
    }

    @Test
    void aMeetingIsCheckedOncePerIntervalAndServedWithoutAskingChimeInBetween() {
      Lesson lesson = chimeServer.seed().lesson(2);
      JsonObject created = assertJson(join(chimeServer, lesson.studentId(), lesson.sessionId()), 201);
      String meetingId = created.getString("meeting_id");
      JsonObject attendee = assertJson(attend(chimeServer, lesson.studentId(), meetingId), 201);
      assertEquals(List.of("CreateMeeting", "CreateAttendee"), chime.operations());

      assertEquals(created, assertJson(meetingOf(lesson.teacherId(), lesson.sessionId()), 200));
      assertEquals(created, assertJson(join(chimeServer, lesson.teacherId(), lesson.sessionId()), 200));
      assertEquals(attendee, assertJson(attend(chimeServer, lesson.studentId(), meetingId), 200));
      assertEquals(List.of("CreateMeeting", "CreateAttendee"), chime.operations(), "served without asking Chime");

      intervalPassed(lesson.sessionId());
      assertEquals(created, assertJson(meetingOf(lesson.teacherId(), lesson.sessionId()), 200));
      assertEquals(List.of("CreateMeeting", "CreateAttendee", "GetMeeting"), chime.operations(), "one check");

      assertEquals(created, assertJson(join(chimeServer, lesson.studentId(), lesson.sessionId()), 200));
      assertEquals(created, assertJson(meetingOf(lesson.studentId(), lesson.sessionId()), 200));
      assertEquals(List.of("CreateMeeting", "CreateAttendee", "GetMeeting"), chime.operations(),
        "the check started a new interval");
    }

    @Test
    void aMeetingChimeEndedIsServedUntilTheIntervalEndsAndIsThen404() {
      Lesson lesson = chimeServer.seed().lesson(2);
      JsonObject first = assertJson(join(chimeServer, lesson.studentId(), lesson.sessionId()), 201);
      chime.endByItself(first.getString("meeting_id"));

      assertEquals(first, assertJson(meetingOf(lesson.teacherId(), lesson.sessionId()), 200));
      assertEquals(first, assertJson(join(chimeServer, lesson.teacherId(), lesson.sessionId()), 200));
      assertEquals(List.of("CreateMeeting"), chime.operations(), "not asked yet, so not known to have ended");
      assertEquals(1, chime.meetingsCreated());

      intervalPassed(lesson.sessionId());
      assertError(meetingOf(lesson.teacherId(), lesson.sessionId()), 404);
      assertEquals(List.of("CreateMeeting", "GetMeeting"), chime.operations(), "one check");
      JsonObject second = assertJson(join(chimeServer, lesson.studentId(), lesson.sessionId()), 201);
      assertNotEquals(first.getString("meeting_id"), second.getString("meeting_id"));
    }
  }
}
