package red.sessions.vyoma.events;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import red.sessions.vyoma.support.EventStreamClient;
import red.sessions.vyoma.support.EventStreamClient.Sent;
import red.sessions.vyoma.support.LessonEvents;
import red.sessions.vyoma.support.TestServer;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.support.Api.assertError;
import static red.sessions.vyoma.support.Api.assertJson;
import static red.sessions.vyoma.support.Seed.hoursAhead;

/** {@code GET /events/stream}: live, resumable, private, and fed by changes made on any node. */
class EventStreamTest {

  private static final Duration WITHIN = Duration.ofSeconds(10);
  private static Path dataDir;
  private static TestServer server;

  @BeforeAll
  static void start() {
    dataDir = TestServer.temporaryDirectory();
    server = node(15);
  }

  /**
   * A node of its own on the shared database, with the same data directory (so the same development key). With
   * the default heartbeat of 15 seconds, an event that comes sooner came because the node was told of it.
   */
  private static TestServer node(int heartbeatSeconds) {
    return TestServer.start(Map.of("VYOMA_DATA_DIR", dataDir.toString(),
      "VYOMA_EVENTS_HEARTBEAT_SECONDS", String.valueOf(heartbeatSeconds)));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static int port(TestServer on) {
    return on.config().http().getInteger("port");
  }

  private static EventStreamClient follow(TestServer on, String userId, String lastEventId) {
    return EventStreamClient.open(port(on), "/events/stream", on.token(userId), lastEventId);
  }

  /** A teacher with a slot and a student; the student books it through the given node; the booking's id. */
  private static String book(TestServer on, String student, String teacher, int hours) {
    var seed = on.seed();
    seed.slot(teacher, hoursAhead(hours), hoursAhead(hours + 1));
    return seed.booking(student, teacher, hoursAhead(hours), hoursAhead(hours + 1));
  }

  /**
   * A student follows their stream on one node and books through another (or the same): the booking's event
   * reaches the stream within a second, and nothing else does.
   */
  private static void assertABookingReachesTheStream(TestServer streamNode, TestServer bookingNode, int hours) {
    var seed = bookingNode.seed();
    String teacher = seed.teacher("Physics");
    String student = seed.student();
    try (EventStreamClient stream = follow(streamNode, student, null)) {
      LessonEvents.pause(200);
      Instant booked = Instant.now();
      String bookingId = book(bookingNode, student, teacher, hours);
      List<Sent> sent = stream.await(event -> true, 1, WITHIN);
      long tookMs = Duration.between(booked, Instant.now()).toMillis();
      assertTrue(tookMs < 1000, "took " + tookMs + " ms");
      assertEquals(1, sent.size());
      JsonObject event = sent.get(0).data();
      assertEquals("booking.created", event.getString("type"));
      assertEquals(bookingId, event.getJsonObject("data").getString("booking_id"));
      assertEquals(sent.get(0).id(), event.getString("id"));
    }
  }

  @Test
  void aBookingReachesTheStudentsStreamAtOnce() {
    assertABookingReachesTheStream(server, server, 3);
  }

  @Test
  void heartbeatsComeWhileNothingHappens() {
    try (TestServer beating = node(1); EventStreamClient stream = follow(beating, server.seed().student(), null)) {
      LessonEvents.pause(3500);
      assertTrue(stream.comments() >= 3, "connected, then a heartbeat a second: " + stream.comments());
      assertEquals(List.of(), stream.events());
    }
  }

  @Test
  void aReconnectWithLastEventIdResumesWithoutLossOrRepeat() {
    var seed = server.seed();
    String teacher = seed.teacher("Physics");
    String student = seed.student();
    String t = server.token(teacher);
    String bookingId;
    String lastSeen;
    try (EventStreamClient stream = follow(server, student, null)) {
      LessonEvents.pause(200);
      bookingId = book(server, student, teacher, 5);
      lastSeen = stream.await(event -> true, 1, WITHIN).get(0).id();
    }
    assertJson(server.api().send(HttpMethod.PATCH, "/bookings/" + bookingId, t, new JsonObject().put("status", "confirmed")), 200);
    assertJson(server.api().post("/sessions", t, new JsonObject().put("booking_id", bookingId)), 201);
    try (EventStreamClient resumed = follow(server, student, lastSeen)) {
      List<Sent> sent = resumed.await(event -> true, 2, WITHIN);
      LessonEvents.pause(500);
      assertEquals(List.of("booking.confirmed", "session.created"),
        resumed.events().stream().map(event -> event.data().getString("type")).toList());
      assertEquals(List.of(2L, 3L), sent.stream().map(event -> event.data().getLong("sequence")).toList());
    }
  }

  @Test
  void aStudentsStreamNeverCarriesAnotherStudentsEvents() {
    var seed = server.seed();
    String teacher = seed.teacher("Physics");
    String mine = seed.student();
    String theirs = seed.student();
    try (EventStreamClient stream = follow(server, mine, null)) {
      LessonEvents.pause(200);
      book(server, theirs, teacher, 7);
      String myBooking = book(server, mine, teacher, 9);
      List<Sent> sent = stream.await(event -> true, 1, WITHIN);
      LessonEvents.pause(500);
      assertEquals(1, stream.events().size(), () -> "got " + stream.events());
      assertEquals(myBooking, sent.get(0).data().getJsonObject("subject").getString("booking_id"));
    }
  }

  @Test
  void theStreamIsAskedForAndOnlyAdminsFollowEveryone() {
    String student = server.seed().student();
    String s = server.token(student);
    assertError(server.api().get("/events/stream", s), 406);
    assertError(server.api().request(HttpMethod.GET, "/events/stream?all=true").bearerTokenAuthentication(s)
      .putHeader("Accept", "text/event-stream").send().await(), 403);
    assertError(server.api().request(HttpMethod.GET, "/events/stream").bearerTokenAuthentication(s)
      .putHeader("Accept", "text/event-stream").putHeader("Last-Event-ID", UUID.randomUUID().toString()).send().await(), 400);
    var seed = server.seed();
    String teacher = seed.teacher("Physics");
    try (EventStreamClient all = EventStreamClient.open(port(server), "/events/stream?all=true",
      server.adminToken("stream-admin"), null)) {
      LessonEvents.pause(200);
      String bookingId = book(server, student, teacher, 11);
      assertEquals(1, all.await(event -> event.data().encode().contains(bookingId), 1, WITHIN).size());
    }
  }

  @Test
  void aBookingMadeOnOneNodeReachesAStreamOnAnotherWithinASecond() {
    try (TestServer other = node(15)) {
      assertABookingReachesTheStream(other, server, 13);
    }
  }

  @Test
  void aNodeShuttingDownEndsItsStreamsRatherThanWaitingForThem() {
    TestServer other = node(15);
    try (EventStreamClient stream = follow(other, server.seed().student(), null)) {
      Instant closing = Instant.now();
      other.close();
      long tookMs = Duration.between(closing, Instant.now()).toMillis();
      assertTrue(tookMs < 10_000, "shutdown took " + tookMs + " ms");
      LessonEvents.pause(200);
      assertTrue(stream.ended(), "the stream was ended");
    }
  }
}
