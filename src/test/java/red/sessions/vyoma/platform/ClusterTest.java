package red.sessions.vyoma.platform;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import red.sessions.vyoma.support.FakeChime;
import red.sessions.vyoma.support.Node;
import red.sessions.vyoma.support.Scrape;
import red.sessions.vyoma.support.Seed.Lesson;
import red.sessions.vyoma.support.Seed;
import red.sessions.vyoma.support.Wait;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.support.Api.assertError;
import static red.sessions.vyoma.support.Api.assertJson;
import static red.sessions.vyoma.support.Schedules.everyDay;
import static red.sessions.vyoma.support.Schedules.rules;
import static red.sessions.vyoma.support.Schedules.schedule;
import static red.sessions.vyoma.support.Schedules.starts;
import static red.sessions.vyoma.support.Seed.bookingBody;
import static red.sessions.vyoma.support.Seed.hoursAhead;

/**
 * Two nodes of the real jar's main class in JVMs of their own, clustered with Hazelcast on loopback,
 * sharing one PostgreSQL; meetings come from Chime through the AWS SDK (a local Chime-protocol server).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTest {

  private static Vertx vertx;
  private static FakeChime chime;
  private static Node a;
  private static Node b;

  @BeforeAll
  static void startTwoNodes() {
    vertx = Vertx.vertx();
    chime = FakeChime.start(vertx);
    List<Node> nodes = Node.twoMembers(Map.of(
      "VYOMA_MEETINGS_PROVIDER", "chime",
      "VYOMA_MEETINGS_ENDPOINT", chime.endpoint(),
      "AWS_ACCESS_KEY_ID", System.getProperty("aws.accessKeyId"),
      "AWS_SECRET_ACCESS_KEY", System.getProperty("aws.secretAccessKey")));
    a = nodes.get(0);
    b = nodes.get(1);
  }

  @AfterAll
  static void stopNodes() {
    Node.kill(Arrays.asList(a, b));
    chime.close();
    vertx.close().await();
  }

  private static JsonObject join(Node node, String userId, String sessionId) {
    HttpResponse<Buffer> response = node.api().post("/meetings", node.token(userId), new JsonObject().put("session_id", sessionId));
    assertTrue(response.statusCode() == 200 || response.statusCode() == 201, response::bodyAsString);
    return response.bodyAsJsonObject();
  }

  private static HttpResponse<Buffer> attend(Node node, String userId, String meetingId) {
    return node.api().post("/attendees", node.token(userId),
      new JsonObject().put("meeting_id", meetingId).put("user_id", userId).put("name", "Name of " + userId));
  }

  @Test
  @Order(1)
  void aMeetingAndAttendeeMadeOnOneNodeAreTheSameOnTheOtherWithoutAskingChime() {
    Lesson lesson = a.seed().lesson(2);
    JsonObject created = join(a, lesson.studentId(), lesson.sessionId());
    String meetingId = created.getString("meeting_id");
    List<String> asked = chime.operations();

    assertEquals(created, assertJson(b.api().get("/meetings/" + lesson.sessionId(), b.token(lesson.teacherId())), 200));
    assertEquals(created, join(b, lesson.teacherId(), lesson.sessionId()));
    assertEquals(asked, chime.operations(), "node b answered from the cluster map");

    JsonObject attendee = assertJson(attend(a, lesson.studentId(), meetingId), 201);
    List<String> askedForAttendee = chime.operations();
    assertEquals(attendee, assertJson(attend(b, lesson.studentId(), meetingId), 200));
    assertEquals(askedForAttendee, chime.operations(), "node b found the attendee in the cluster map");
  }

  @Test
  @Order(1)
  void aMeetingEndedOnOneNodeIsNeverServedByTheOtherFromItsNearCache() {
    Lesson lesson = a.seed().lesson(2);
    String meetingId = join(a, lesson.studentId(), lesson.sessionId()).getString("meeting_id");
    String teacherToken = b.token(lesson.teacherId());
    // Read on b, twice, so its near cache holds the meeting and the teacher's attendee.
    assertJson(attend(b, lesson.teacherId(), meetingId), 201);
    for (int read = 0; read < 2; read++) {
      assertJson(b.api().get("/meetings/" + lesson.sessionId(), teacherToken), 200);
      assertJson(attend(b, lesson.teacherId(), meetingId), 200);
    }

    assertJson(a.api().send(HttpMethod.DELETE, "/meetings", a.token(lesson.studentId()),
      new JsonObject().put("meeting_id", meetingId)), 200);

    // At once, before any invalidation could be relied on to have reached b.
    assertError(b.api().get("/meetings/" + lesson.sessionId(), teacherToken), 404);
    assertError(attend(b, lesson.teacherId(), meetingId), 404);
    assertNotEquals(meetingId, join(b, lesson.teacherId(), lesson.sessionId()).getString("meeting_id"),
      "joining starts a new meeting");
  }

  @Test
  @Order(1)
  void readingAMeetingFromTheClusterMapStartsNoThread() {
    Lesson lesson = a.seed().lesson(2);
    join(a, lesson.studentId(), lesson.sessionId());
    String token = b.token(lesson.teacherId());
    String uri = "/meetings/" + lesson.sessionId();
    // The first reads fill the pools that start their threads on demand (Vert.x's workers, the database's).
    readMeeting(b, uri, token, 100);
    double before = threadsStarted(b);

    readMeeting(b, uri, token, 200);

    double started = threadsStarted(b) - before;
    assertTrue(started < 20, started + " threads started during 200 reads of a meeting on node b");
  }

  /**
   * Meetings node b has never read miss its near cache: each such read completes later, through a callback
   * Hazelcast runs on its executor, which on two CPUs started a thread per callback unless given a pool.
   */
  @Test
  @Order(1)
  void readingMeetingsNotYetCachedStartsNoThreadPerRead() {
    Lesson warm = a.seed().lesson(2);
    join(a, warm.studentId(), warm.sessionId());
    readMeeting(b, "/meetings/" + warm.sessionId(), b.token(warm.teacherId()), 100);
    List<Lesson> lessons = IntStream.range(0, 50).mapToObj(i -> a.seed().lesson(2)).toList();
    lessons.forEach(lesson -> join(a, lesson.studentId(), lesson.sessionId()));
    double before = threadsStarted(b);

    lessons.forEach(lesson -> readMeeting(b, "/meetings/" + lesson.sessionId(), b.token(lesson.teacherId()), 1));

    double started = threadsStarted(b) - before;
    assertTrue(started < 20, started + " threads started during the first reads of 50 meetings on node b");
  }

  private static void readMeeting(Node node, String uri, String token, int times) {
    for (int read = 0; read < times; read++) {
      assertJson(node.api().get(uri, token), 200);
    }
  }

  private static double threadsStarted(Node node) {
    return new Scrape(node.api().get("/metrics", null).bodyAsString()).value("jvm_threads_started_threads_total", Map.of());
  }

  @Test
  @Order(1)
  void aCalendarFeedRevokedOnOneNodeIs404OnTheOtherAtOnce() {
    Lesson lesson = a.seed().lesson(2);
    JsonObject made = assertJson(a.api().post("/calendar-feeds", a.token(lesson.studentId()), null), 201);
    String feedId = made.getString("id");
    String path = URI.create(made.getString("url")).getPath();
    // Read on b, twice: were anything of the feed kept on b, it would be by now.
    for (int read = 0; read < 2; read++) {
      HttpResponse<Buffer> feed = b.api().get(path, null);
      assertEquals(200, feed.statusCode(), feed::bodyAsString);
      assertTrue(feed.bodyAsString().contains("UID:" + lesson.bookingId() + "@"), feed::bodyAsString);
    }

    assertJson(a.api().send(HttpMethod.DELETE, "/calendar-feeds/" + feedId, a.token(lesson.studentId()), null), 200);

    assertError(b.api().get(path, null), 404);
    assertError(a.api().get(path, null), 404);
  }

  @Test
  @Order(2)
  void overlappingBookingsSentToBothNodesAtOnceYieldOne() {
    Seed seed = a.seed();
    String teacher = seed.teacher("Chemistry");
    seed.slot(teacher, hoursAhead(1), hoursAhead(5));
    List<String> students = IntStream.range(0, 20).mapToObj(i -> seed.student()).toList();
    List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
    for (int i = 0; i < students.size(); i++) {
      Node node = i % 2 == 0 ? a : b;
      calls.add(node.api().request(HttpMethod.POST, "/bookings").bearerTokenAuthentication(node.token(students.get(i)))
        .sendJsonObject(bookingBody(students.get(i), teacher, hoursAhead(2).plusMinutes(i), hoursAhead(3).plusMinutes(i))));
    }
    List<HttpResponse<Buffer>> responses = Future.all(calls).await().list();
    assertEquals(1, responses.stream().filter(r -> r.statusCode() == 201).count());
    responses.stream().filter(r -> r.statusCode() != 201).forEach(r -> assertError(r, 409));
  }

  @Test
  @Order(2)
  void bothNodesListTheSameSlotsAndBookingThemAtOnceKeepsTheBuffer() {
    Seed seed = a.seed();
    String teacher = seed.teacher("Chemistry");
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    seed.schedule(teacher, schedule(berlin.getId(), everyDay("09:00", "13:00"), new JsonArray(), rules(0, 20, 30, 365)));
    LocalDate day = LocalDate.now(berlin).plusDays(2);
    String query = "from=" + day + "&to=" + day + "&duration=60&time_zone=" + berlin.getId();
    JsonObject listing = seed.bookableSlots(teacher, query);
    assertEquals(listing, b.seed().bookableSlots(teacher, query));
    JsonArray slots = listing.getJsonArray("slots");
    assertEquals(7, slots.size(), listing::encode);

    // Every slot asked for twice, once on each node, all at once: the slots overlap and stand 30 minutes apart.
    List<String> students = IntStream.range(0, 2 * slots.size()).mapToObj(i -> seed.student()).toList();
    List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
    for (int i = 0; i < students.size(); i++) {
      Node node = i % 2 == 0 ? a : b;
      JsonObject slot = slots.getJsonObject(i / 2);
      calls.add(node.api().request(HttpMethod.POST, "/bookings").bearerTokenAuthentication(node.token(students.get(i)))
        .sendJsonObject(new JsonObject().put("student_id", students.get(i)).put("teacher_id", teacher)
          .put("start_time", slot.getString("start")).put("end_time", slot.getString("end"))));
    }
    List<HttpResponse<Buffer>> responses = Future.all(calls).await().list();
    responses.stream().filter(r -> r.statusCode() != 201).forEach(r -> assertError(r, 409));
    assertTrue(responses.stream().anyMatch(r -> r.statusCode() == 201));

    JsonArray booked = new JsonArray(b.api().get("/bookings?teacher_id=" + teacher, b.token(teacher)).bodyAsString());
    assertEquals(responses.stream().filter(r -> r.statusCode() == 201).count(), booked.size());
    List<Instant[]> times = booked.stream().map(JsonObject.class::cast)
      .map(booking -> new Instant[] {Instant.parse(booking.getString("start_time")), Instant.parse(booking.getString("end_time"))})
      .sorted(Comparator.comparing(time -> time[0])).toList();
    for (int i = 1; i < times.size(); i++) {
      assertTrue(!times.get(i)[0].isBefore(times.get(i - 1)[1].plus(Duration.ofMinutes(20))), booked::encode);
    }
    assertEquals(List.of(), starts(seed.bookableSlots(teacher, query)).stream()
      .filter(start -> times.stream().anyMatch(time -> time[0].equals(OffsetDateTime.parse(start).toInstant()))).toList());
  }

  @Test
  @Order(2)
  void fortyBookingsOnTwoNodesForThreeLessonsLeftMakeThreeAndLeaveZero() {
    Seed seed = a.seed();
    String teacher = seed.teacher("Cello");
    seed.schedule(teacher, schedule("UTC", everyDay("00:00", "24:00"), new JsonArray(),
      rules(0, 0, 15, 365).put("requires_package", true)));
    String student = seed.student();
    String packageId = assertJson(a.api().post("/packages", a.token(teacher), new JsonObject()
      .put("student_id", student).put("teacher_id", teacher).put("lessons", 3)), 201).getString("package_id");
    List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      Node node = i % 2 == 0 ? a : b;
      calls.add(node.api().request(HttpMethod.POST, "/bookings").bearerTokenAuthentication(node.token(student))
        .sendJsonObject(bookingBody(student, teacher, hoursAhead(2 * i), hoursAhead(2 * i + 1))));
    }
    List<HttpResponse<Buffer>> responses = Future.all(calls).await().list();
    assertEquals(3, responses.stream().filter(r -> r.statusCode() == 201).count());
    responses.stream().filter(r -> r.statusCode() != 201).forEach(r -> assertError(r, 409));
    JsonObject lessons = assertJson(b.api().get("/packages/" + packageId, b.token(student)), 200);
    assertEquals(0, lessons.getInteger("remaining"));
    assertEquals(List.of(3, -1, -1, -1), lessons.getJsonArray("ledger").stream()
      .map(entry -> ((JsonObject) entry).getInteger("change")).toList());
  }

  @Test
  @Order(3)
  void theSurvivorOfAKilledNodeLosesNoLookupAndTheNodeRejoins() {
    Lesson lesson = a.seed().lesson(2);
    JsonObject meeting = join(a, lesson.studentId(), lesson.sessionId());
    String meetingId = meeting.getString("meeting_id");
    JsonObject attendee = assertJson(attend(a, lesson.studentId(), meetingId), 201);
    List<String> asked = chime.operations();

    a.kill();

    String teacherToken = b.token(lesson.teacherId());
    assertEquals(meeting, eventually(() -> b.api().get("/meetings/" + lesson.sessionId(), teacherToken)));
    assertEquals(attendee, assertJson(attend(b, lesson.studentId(), meetingId), 200));
    assertEquals(asked, chime.operations(), "served from the map's backup without asking Chime");
    assertJson(b.api().get("/profiles?user_id=" + lesson.teacherId(), teacherToken), 200);
    assertEquals(lesson.bookingId(), assertJson(b.api().get("/bookings/" + lesson.bookingId(), teacherToken), 200)
      .getString("booking_id"));
    assertEquals(200, b.api().get("/availability?teacher_id=" + lesson.teacherId(), teacherToken).statusCode());
    assertJson(b.api().get("/sessions/" + lesson.sessionId(), teacherToken), 200);
    b.awaitReady(1);

    a.restart().awaitReady(2);
    assertEquals(meeting, assertJson(a.api().get("/meetings/" + lesson.sessionId(), a.token(lesson.studentId())), 200));
  }

  @Test
  @Order(4)
  void aNodeStoppingGracefullyFailsNoRequestOfTheOther() throws Exception {
    Lesson lesson = b.seed().lesson(2);
    join(b, lesson.studentId(), lesson.sessionId());
    String token = b.token(lesson.studentId());
    AtomicBoolean flowing = new AtomicBoolean(true);
    List<Integer> statuses = Collections.synchronizedList(new ArrayList<>());
    // A FutureTask keeps what ends the traffic (a refused connection, a timeout) for get() to rethrow.
    FutureTask<Void> traffic = new FutureTask<>(() -> {
      while (flowing.get()) {
        statuses.add(b.api().get("/meetings/" + lesson.sessionId(), token).statusCode());
        statuses.add(b.api().get("/bookings/" + lesson.bookingId(), token).statusCode());
      }
      return null;
    });
    Thread sender = new Thread(traffic, "traffic to node b");
    sender.setDaemon(true);
    sender.start();
    try {
      Wait.sleep(500);
      assertEquals(143, a.stop(), "node a ended through its SIGTERM shutdown");
      Wait.sleep(1000);
    } finally {
      flowing.set(false);
    }
    try {
      traffic.get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("the traffic to node b failed after " + statuses.size() + " answers", e.getCause());
    }

    assertTrue(statuses.size() > 10, "traffic flowed: " + statuses.size());
    assertEquals(List.of(200), statuses.stream().distinct().toList(), "every request of node b succeeded");
    b.awaitReady(1);
    a = null;
  }

  /**
   * The response's JSON once the node answers 200. While the cluster reorganises the node may answer 503
   * (a domain that did not answer in time); any other answer, or none, fails at once.
   */
  private static JsonObject eventually(Supplier<HttpResponse<Buffer>> call) {
    return Wait.eventually(Duration.ofSeconds(45), Duration.ZERO, call, answer -> {
      if (answer.statusCode() == 200) {
        return true;
      }
      assertError(answer, 503);
      return false;
    }, last -> "no 200 within 45 s; last: " + last.bodyAsString()).bodyAsJsonObject();
  }
}
