package red.sessions.vyoma.meetings;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import red.sessions.vyoma.support.ElasticMqServer;
import red.sessions.vyoma.support.FakeChime;
import red.sessions.vyoma.support.RowLock;
import red.sessions.vyoma.support.Scrape;
import red.sessions.vyoma.support.Seed;
import red.sessions.vyoma.support.Seed.Lesson;
import red.sessions.vyoma.support.TestServer;
import red.sessions.vyoma.support.Wait;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.support.Api.assertError;
import static red.sessions.vyoma.support.Api.assertJson;

/**
 * Attendance from Chime's own meeting events: EventBridge bodies put on an SQS queue (ElasticMQ), taken by the
 * server with the AWS SDK, meetings and ListAttendees from the Chime-protocol fake.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AttendanceTest {

  private static final Duration WITHIN = Duration.ofSeconds(20);
  private static final Duration EVERY = Duration.ofMillis(100);
  private static final String EVENTS_TOTAL = "vyoma_meetings_events_total";

  private Vertx vertx;
  private FakeChime chime;
  private ElasticMqServer sqs;
  private String queueUrl;
  private Map<String, String> settings;
  private TestServer server;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    chime = FakeChime.start(vertx);
    sqs = ElasticMqServer.start();
    queueUrl = sqs.createQueue("chime-events");
    settings = new HashMap<>(Map.of(
      "VYOMA_MEETINGS_PROVIDER", "chime",
      "VYOMA_MEETINGS_ENDPOINT", chime.endpoint(),
      "VYOMA_MEETINGS_EVENTS_QUEUE_URL", queueUrl,
      "VYOMA_MEETINGS_EVENTS_ENDPOINT", sqs.endpoint(),
      "VYOMA_MEETINGS_EVENTS_WAIT_SECONDS", "1",
      "VYOMA_MEETINGS_EVENTS_RECONCILE_INTERVAL_SECONDS", "1"));
    server = TestServer.start(settings);
  }

  @AfterAll
  void stop() {
    server.close();
    sqs.close();
    chime.close();
    vertx.close().await();
  }

  /** A lesson whose meeting is live in Chime and where both parties have fetched their join tokens. */
  private record Met(Lesson lesson, String meetingId) {
    String student() {
      return lesson.studentId();
    }

    String teacher() {
      return lesson.teacherId();
    }
  }

  private Met meet(int hoursAhead) {
    return meet(server, hoursAhead);
  }

  private static Met meet(TestServer on, int hoursAhead) {
    Lesson lesson = on.seed().lesson(hoursAhead);
    String meetingId = assertJson(MeetingsTest.join(on, lesson.studentId(), lesson.sessionId()), 201)
      .getString("meeting_id");
    assertJson(MeetingsTest.attend(on, lesson.studentId(), meetingId), 201);
    assertJson(MeetingsTest.attend(on, lesson.teacherId(), meetingId), 201);
    return new Met(lesson, meetingId);
  }

  /** A "Chime Meeting State Change" event as EventBridge puts it on the queue. */
  private static String chimeEvent(String id, String eventType, String meetingId, String externalUserId, Instant at) {
    JsonObject detail = new JsonObject()
      .put("version", "0")
      .put("eventType", eventType)
      .put("timestamp", at.toEpochMilli())
      .put("meetingId", meetingId)
      .put("externalMeetingId", "session-of-" + meetingId)
      .put("mediaRegion", "us-east-1");
    if (externalUserId != null) {
      detail.put("attendeeId", UUID.nameUUIDFromBytes(externalUserId.getBytes()).toString())
        .put("externalUserId", externalUserId);
    }
    return new JsonObject()
      .put("version", "0")
      .put("id", id)
      .put("detail-type", "Chime Meeting State Change")
      .put("source", "aws.chime")
      .put("account", "123456789012")
      .put("time", at.truncatedTo(ChronoUnit.SECONDS).toString())
      .put("region", "us-east-1")
      .put("resources", new JsonArray())
      .put("detail", detail)
      .encode();
  }

  private static String attendee(String eventType, Met met, String userId, Instant at) {
    return chimeEvent(UUID.randomUUID().toString(), eventType, met.meetingId(), userId, at);
  }

  private JsonObject session(Met met) {
    return assertJson(server.api().get("/sessions/" + met.lesson().sessionId(), server.token(met.student())), 200);
  }

  /** The session once what it reads satisfies {@code done}; fails the test with the last read otherwise. */
  private JsonObject sessionOnce(Met met, Predicate<JsonObject> done) {
    return Wait.eventually(WITHIN, EVERY, () -> session(met), done, last -> "the session came to " + last.encodePrettily());
  }

  private static List<JsonObject> intervalsOf(JsonObject session, String userId) {
    return session.getJsonArray("attendance").stream().map(JsonObject.class::cast)
      .filter(interval -> interval.getString("user_id").equals(userId)).toList();
  }

  private static final DateTimeFormatter UTC_MILLIS =
    DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  /** The instant as the API writes times. */
  private static String at(Instant instant) {
    return UTC_MILLIS.format(instant);
  }

  private List<JsonObject> events(String userId, String type) {
    return assertJson(server.api().get("/events?limit=100", server.token(userId)), 200).getJsonArray("events").stream()
      .map(JsonObject.class::cast).filter(event -> event.getString("type").equals(type)).toList();
  }

  private void waitForQueueDrained() {
    Wait.eventually(WITHIN, EVERY, () -> sqs.pending(queueUrl) == 0, () -> sqs.pending(queueUrl) + " messages left");
  }

  private static double counted(TestServer on, String outcome) {
    return new Scrape(on.api().get("/metrics", null).bodyAsString()).valueOrZero(EVENTS_TOTAL, Map.of("outcome", outcome));
  }

  @Test
  void eventsOutOfOrderAndTwiceMakeTheIntervalsTheirTimesSay() {
    Met met = meet(2);
    Instant t0 = Instant.now().minus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.MILLIS);
    String dropped = attendee("chime:AttendeeDropped", met, met.student(), t0.plusSeconds(60));
    // Sent latest first: a Left before its Joined, a Dropped twice, the first Joined last.
    for (String body : List.of(
      attendee("chime:AttendeeLeft", met, met.student(), t0.plusSeconds(150)),
      attendee("chime:AttendeeJoined", met, met.student(), t0.plusSeconds(90)),
      dropped,
      dropped,
      attendee("chime:AttendeeJoined", met, met.teacher(), t0.plusSeconds(10)),
      attendee("chime:AttendeeJoined", met, met.student(), t0))) {
      sqs.send(queueUrl, body);
    }

    JsonObject session = sessionOnce(met, read -> read.getJsonArray("attendance").size() == 3
      && intervalsOf(read, met.student()).get(0).getString("joined_at").equals(at(t0)));
    List<JsonObject> student = intervalsOf(session, met.student());
    assertEquals(List.of(at(t0), at(t0.plusSeconds(60)), 60L),
      List.of(student.get(0).getString("joined_at"), student.get(0).getString("left_at"), student.get(0).getLong("seconds")));
    assertEquals(List.of(at(t0.plusSeconds(90)), at(t0.plusSeconds(150)), 60L),
      List.of(student.get(1).getString("joined_at"), student.get(1).getString("left_at"), student.get(1).getLong("seconds")));
    JsonObject teacher = intervalsOf(session, met.teacher()).get(0);
    assertEquals(at(t0.plusSeconds(10)), teacher.getString("joined_at"));
    assertNull(teacher.getString("left_at"));
    assertTrue(teacher.getLong("seconds") >= 590, teacher::encode);
    assertEquals(new JsonObject().put("present_seconds", 120).put("first_joined_at", at(t0)),
      session.getJsonObject("presence").getJsonObject("student"));

    waitForQueueDrained();
    List<JsonObject> joined = events(met.teacher(), "attendance.joined");
    assertEquals(Set.of(at(t0), at(t0.plusSeconds(90)), at(t0.plusSeconds(10))),
      joined.stream().map(event -> event.getJsonObject("data").getString("joined_at")).collect(Collectors.toSet()));
    assertEquals(3, joined.size(), "one attendance.joined per interval");
    joined.forEach(event -> assertEquals(met.meetingId(), event.getJsonObject("subject").getString("meeting_id")));
    Map<String, String> lastLeft = new HashMap<>();
    events(met.student(), "attendance.left").forEach(event ->
      lastLeft.put(event.getJsonObject("data").getString("joined_at"), event.getJsonObject("data").getString("left_at")));
    assertEquals(Map.of(at(t0), at(t0.plusSeconds(60)), at(t0.plusSeconds(90)), at(t0.plusSeconds(150))), lastLeft);
  }

  @Test
  void anIntervalWhoseLeftWasLostIsClosedWhenChimeNoLongerListsItsUser() {
    Met met = meet(4);
    Instant joined = Instant.now().minus(Duration.ofMinutes(5)).truncatedTo(ChronoUnit.MILLIS);
    sqs.send(queueUrl, attendee("chime:AttendeeJoined", met, met.student(), joined));
    sqs.send(queueUrl, attendee("chime:AttendeeJoined", met, met.teacher(), joined));
    sessionOnce(met, read -> read.getJsonArray("attendance").size() == 2);

    chime.detach(met.meetingId(), met.student());
    JsonObject session = sessionOnce(met, read -> intervalsOf(read, met.student()).get(0).getString("left_at") != null);
    JsonObject student = intervalsOf(session, met.student()).get(0);
    Instant left = Instant.parse(student.getString("left_at"));
    assertTrue(!left.isBefore(joined) && !left.isAfter(Instant.now()), student::encode);
    assertNull(intervalsOf(session, met.teacher()).get(0).getString("left_at"), "the teacher, still listed, is still there");
    assertEquals(1, events(met.teacher(), "attendance.left").size());
  }

  @Test
  void endingAMeetingAsksChimeWhoIsStillThereSoALostLeftClosesWhenItsUserWasLastKnown() {
    // No reconciliation on a timer during the test (this server's timer waits an hour, and a database of its own keeps
    // the other server's from claiming the meeting): only the one the end makes can close the student's interval at
    // the time the student was last known there rather than at the end.
    Map<String, String> endOnly = new HashMap<>(settings);
    String queue = sqs.createQueue("chime-events-reconciled-at-the-end");
    endOnly.put("VYOMA_MEETINGS_EVENTS_QUEUE_URL", queue);
    endOnly.put("VYOMA_MEETINGS_EVENTS_RECONCILE_INTERVAL_SECONDS", "3600");
    try (TestServer patient = TestServer.startEmbedded(TestServer.temporaryDirectory(), endOnly)) {
      Met met = meet(patient, 20);
      Instant joined = Instant.now().minus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.MILLIS);
      sqs.send(queue, attendee("chime:AttendeeJoined", met, met.student(), joined));
      sqs.send(queue, attendee("chime:AttendeeJoined", met, met.teacher(), joined));
      String token = patient.token(met.student());
      String path = "/sessions/" + met.lesson().sessionId();
      Wait.eventually(WITHIN, EVERY, () -> assertJson(patient.api().get(path, token), 200),
        read -> read.getJsonArray("attendance").size() == 2, last -> "the session came to " + last.encodePrettily());
      chime.detach(met.meetingId(), met.student());

      Instant ending = Instant.now();
      assertJson(MeetingsTest.end(patient, met.teacher(), met.meetingId()), 200);
      JsonObject session = assertJson(patient.api().get(path, token), 200);
      assertEquals(at(joined), intervalsOf(session, met.student()).get(0).getString("left_at"),
        "Chime no longer listed the student: gone since last known, at the join");
      Instant teacherLeft = Instant.parse(intervalsOf(session, met.teacher()).get(0).getString("left_at"));
      assertFalse(teacherLeft.isBefore(ending), "the teacher, still listed, was there until the end: " + teacherLeft);
    }
  }

  @Test
  void aBodyThatIsNotAnEventIsDeletedAndCountedAndOthersNotFollowedAreDropped() {
    double malformed = counted(server, "malformed");
    double ignored = counted(server, "ignored");
    double foreign = counted(server, "foreign");
    Met met = meet(22);
    sqs.send(queueUrl, "this is not JSON {");
    sqs.send(queueUrl, chimeEvent(UUID.randomUUID().toString(), "chime:AttendeeJoined", "unknown-meeting", "someone",
      Instant.now()));
    sqs.send(queueUrl, attendee("chime:AttendeeJoined", met, "someone-we-never-gave-a-token", Instant.now()));
    sqs.send(queueUrl, chimeEvent(UUID.randomUUID().toString(), "chime:MeetingStarted", "unknown-meeting", null,
      Instant.now()));

    waitForQueueDrained();
    Wait.eventually(WITHIN, EVERY, () -> counted(server, "malformed") == malformed + 1
        && counted(server, "ignored") == ignored + 1 && counted(server, "foreign") == foreign + 2,
      () -> "counted " + counted(server, "malformed") + " malformed, " + counted(server, "ignored") + " ignored, "
        + counted(server, "foreign") + " foreign");
    assertEquals(new JsonArray(), session(met).getJsonArray("attendance"), "a stranger in our meeting is nobody's presence");
  }

  @Test
  void meetingEndedClosesEveryOpenIntervalAndEndsTheMeetingOnce() {
    Met met = meet(6);
    Instant joined = Instant.now().minus(Duration.ofMinutes(20)).truncatedTo(ChronoUnit.MILLIS);
    Instant ended = joined.plusSeconds(600);
    double recorded = counted(server, "recorded");
    double duplicates = counted(server, "duplicate");
    sqs.send(queueUrl, attendee("chime:AttendeeJoined", met, met.student(), joined));
    sqs.send(queueUrl, attendee("chime:AttendeeJoined", met, met.teacher(), joined.plusSeconds(30)));
    String end = chimeEvent(UUID.randomUUID().toString(), "chime:MeetingEnded", met.meetingId(), null, ended);
    sessionOnce(met, read -> read.getJsonArray("attendance").size() == 2);
    sqs.send(queueUrl, end);
    sqs.send(queueUrl, end);

    JsonObject session = sessionOnce(met, read -> read.getJsonObject("meeting_data").isEmpty());
    assertEquals(List.of(at(ended), at(ended)), session.getJsonArray("attendance").stream()
      .map(interval -> ((JsonObject) interval).getString("left_at")).toList());
    assertEquals(1170, session.getJsonObject("presence").getJsonObject("student").getLong("present_seconds")
      + session.getJsonObject("presence").getJsonObject("teacher").getLong("present_seconds"));
    assertError(server.api().get("/meetings/" + met.lesson().sessionId(), server.token(met.student())), 404);
    waitForQueueDrained();
    assertEquals(1, events(met.student(), "meeting.ended").size());
    assertEquals(2, events(met.student(), "attendance.left").size());
    Wait.eventually(WITHIN, EVERY, () -> counted(server, "recorded") == recorded + 3
        && counted(server, "duplicate") == duplicates + 1,
      () -> "two joins and an end delivered twice counted " + (counted(server, "recorded") - recorded) + " recorded, "
        + (counted(server, "duplicate") - duplicates) + " duplicate");
  }

  @Test
  void aNoShowIsRefusedForAStudentPresentTwoMinutesAndAcceptedForOneWhoOnlyFetchedAToken() {
    Met present = meet(8);
    Met tokenOnly = meet(10);
    Seed.lessonStartedAgo(present.lesson().bookingId(), Duration.ofMinutes(30));
    Seed.lessonStartedAgo(tokenOnly.lesson().bookingId(), Duration.ofMinutes(30));
    Instant joined = Instant.now().minus(Duration.ofMinutes(20));
    sqs.send(queueUrl, attendee("chime:AttendeeJoined", present, present.student(), joined));
    sqs.send(queueUrl, attendee("chime:AttendeeLeft", present, present.student(), joined.plusSeconds(120)));
    sessionOnce(present, read -> !intervalsOf(read, present.student()).isEmpty()
      && intervalsOf(read, present.student()).get(0).getString("left_at") != null);

    assertEquals("the meeting's records show the student joined the session's meeting",
      assertError(noShow(present, "student"), 409).getString("message"));
    assertEquals("student", assertJson(noShow(tokenOnly, "student"), 200).getString("no_show"));
  }

  @Test
  void aStayThatEndedBeforeTheLessonStartedIsNoAttendance() {
    Met early = meet(24);
    Seed.lessonStartedAgo(early.lesson().bookingId(), Duration.ofMinutes(30));
    Instant joined = Instant.now().minus(Duration.ofMinutes(50));
    sqs.send(queueUrl, attendee("chime:AttendeeJoined", early, early.student(), joined));
    sqs.send(queueUrl, attendee("chime:AttendeeLeft", early, early.student(), joined.plusSeconds(600)));
    sessionOnce(early, read -> !intervalsOf(read, early.student()).isEmpty()
      && intervalsOf(read, early.student()).get(0).getString("left_at") != null);

    assertEquals("student", assertJson(noShow(early, "student"), 200).getString("no_show"));
  }

  private io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> noShow(Met met, String absent) {
    return server.api().post("/bookings/" + met.lesson().bookingId() + "/no-show", server.token(met.teacher()),
      new JsonObject().put("absent", absent));
  }

  @Test
  void aMessageWhoseEffectFailedIsLeftOnTheQueueAndTakesEffectWhenItComesBack() {
    // A queue of its own whose messages come back a second after a node took them without deleting them, and a
    // node of its own on it, so that nothing else takes them.
    String queue = sqs.createQueue("chime-events-retried", Duration.ofSeconds(1));
    Map<String, String> retried = new HashMap<>(settings);
    retried.put("VYOMA_MEETINGS_EVENTS_QUEUE_URL", queue);
    try (TestServer node = TestServer.start(retried)) {
      Met met = meet(node, 26);
      double recorded = counted(node, "recorded");
      Instant joined = Instant.now().minus(Duration.ofMinutes(3)).truncatedTo(ChronoUnit.MILLIS);
      try (RowLock lock = RowLock.on("meetings", "meeting_id", met.meetingId())) {
        sqs.send(queue, attendee("chime:AttendeeJoined", met, met.student(), joined));
        lock.awaitWaiting(1);
        lock.endWaiting();
      }

      String path = "/sessions/" + met.lesson().sessionId();
      JsonObject session = Wait.eventually(WITHIN, EVERY, () -> assertJson(node.api().get(path, node.token(met.student())), 200),
        read -> read.getJsonArray("attendance").size() == 1, last -> "the session came to " + last.encodePrettily());
      assertEquals(at(joined), session.getJsonArray("attendance").getJsonObject(0).getString("joined_at"));
      Wait.eventually(WITHIN, EVERY, () -> sqs.pending(queue) == 0, () -> sqs.pending(queue) + " messages left");
      Wait.eventually(WITHIN, EVERY, () -> counted(node, "recorded") == recorded + 1,
        () -> (counted(node, "recorded") - recorded) + " recorded");
    }
  }

  @Test
  void aNodeThatStopsLeavesNoMessageToWaitOutItsVisibilityTimeout() {
    // A node stopped mid long poll: had it dropped its receive, the queue could still hand the next message to the
    // dropped connection, and that message would stay invisible to every node for the visibility timeout (30 s).
    Map<String, String> longPolls = new HashMap<>(settings);
    longPolls.put("VYOMA_MEETINGS_EVENTS_WAIT_SECONDS", "10");
    TestServer.start(longPolls).close();
    sqs.send(queueUrl, chimeEvent(UUID.randomUUID().toString(), "chime:MeetingStarted", "unknown-meeting", null,
      Instant.now()));
    waitForQueueDrained();
  }

  @Test
  void onTwoNodesEachMessageTakesEffectOnce() {
    List<Met> lessons = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      lessons.add(meet(12 + 2 * i));
    }
    try (TestServer second = TestServer.start(settings)) {
      double recordedBefore = counted(server, "recorded") + counted(second, "recorded");
      double duplicatesBefore = counted(server, "duplicate") + counted(second, "duplicate");
      Instant joined = Instant.now().minus(Duration.ofMinutes(30)).truncatedTo(ChronoUnit.MILLIS);
      for (Met met : lessons) {
        String join = attendee("chime:AttendeeJoined", met, met.student(), joined);
        String leave = attendee("chime:AttendeeLeft", met, met.student(), joined.plusSeconds(300));
        for (String body : List.of(join, leave, join, leave)) {
          sqs.send(queueUrl, body);
        }
      }
      waitForQueueDrained();
      for (Met met : lessons) {
        JsonObject session = sessionOnce(met, read -> read.getJsonArray("attendance").size() == 1
          && read.getJsonArray("attendance").getJsonObject(0).getString("left_at") != null);
        assertEquals(300, session.getJsonObject("presence").getJsonObject("student").getLong("present_seconds"));
        assertEquals(1, events(met.teacher(), "attendance.joined").size());
        assertEquals(1, events(met.teacher(), "attendance.left").size());
      }
      assertEquals(List.of(8.0, 8.0), List.of(
        counted(server, "recorded") + counted(second, "recorded") - recordedBefore,
        counted(server, "duplicate") + counted(second, "duplicate") - duplicatesBefore));
    }
  }
}
