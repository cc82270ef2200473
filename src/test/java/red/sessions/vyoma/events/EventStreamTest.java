package red.sessions.vyoma.events;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import red.sessions.vyoma.support.EventStreamClient;
import red.sessions.vyoma.support.EventStreamClient.Sent;
import red.sessions.vyoma.support.Scrape;
import red.sessions.vyoma.support.TestServer;
import red.sessions.vyoma.support.Wait;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
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
   * Without leeway, a token is refused from its {@code exp} on, so a stream ends right then.
   */
  private static TestServer node(int heartbeatSeconds) {
    return node(heartbeatSeconds, Map.of());
  }

  private static TestServer node(int heartbeatSeconds, Map<String, String> settings) {
    Map<String, String> env = new HashMap<>(settings);
    env.put("VYOMA_DATA_DIR", dataDir.toString());
    env.put("VYOMA_EVENTS_HEARTBEAT_SECONDS", String.valueOf(heartbeatSeconds));
    env.put("VYOMA_AUTH_LEEWAY_SECONDS", "0");
    return TestServer.start(env);
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
      Wait.sleep(200);
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
      Wait.sleep(3500);
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
      Wait.sleep(200);
      bookingId = book(server, student, teacher, 5);
      lastSeen = stream.await(event -> true, 1, WITHIN).get(0).id();
    }
    assertJson(server.api().send(HttpMethod.PATCH, "/bookings/" + bookingId, t, new JsonObject().put("status", "confirmed")), 200);
    assertJson(server.api().post("/sessions", t, new JsonObject().put("booking_id", bookingId)), 201);
    try (EventStreamClient resumed = follow(server, student, lastSeen)) {
      List<Sent> sent = resumed.await(event -> true, 2, WITHIN);
      Wait.sleep(500);
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
      Wait.sleep(200);
      book(server, theirs, teacher, 7);
      String myBooking = book(server, mine, teacher, 9);
      List<Sent> sent = stream.await(event -> true, 1, WITHIN);
      Wait.sleep(500);
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
      Wait.sleep(200);
      String bookingId = book(server, student, teacher, 11);
      assertEquals(1, all.await(event -> event.data().encode().contains(bookingId), 1, WITHIN).size());
    }
  }

  /**
   * A stream ends when its token does, saying why, as every other route refuses the token from then on; the
   * client reconnects with a fresh token and the last id it had, and misses nothing that happened meanwhile.
   */
  @Test
  void aStreamEndsWhenItsTokenExpiresAndAFreshTokenResumesItWithoutLoss() {
    var seed = server.seed();
    String teacher = seed.teacher("Physics");
    String student = seed.student();
    String shortLived = server.token(student, 4);
    String bookingId;
    String lastSeen;
    try (EventStreamClient stream = EventStreamClient.open(port(server), "/events/stream", shortLived, null)) {
      Wait.sleep(200);
      bookingId = book(server, student, teacher, 17);
      lastSeen = stream.await(event -> true, 1, WITHIN).get(0).id();
      assertTrue(stream.endsWithin(WITHIN), "the stream outlived its token");
      assertEquals(": token expired; reconnect with a fresh token and Last-Event-ID",
        stream.commentLines().get(stream.comments() - 1));
      assertError(server.api().get("/events", shortLived), 401);
    }
    assertJson(server.api().send(HttpMethod.PATCH, "/bookings/" + bookingId, server.token(teacher),
      new JsonObject().put("status", "confirmed")), 200);
    try (EventStreamClient resumed = follow(server, student, lastSeen)) {
      List<Sent> sent = resumed.await(event -> true, 1, WITHIN);
      assertEquals(List.of("booking.confirmed"), sent.stream().map(event -> event.data().getString("type")).toList());
    }
  }

  /**
   * However many streams a user follows, one read of the outbox per HTTP verticle serves them all when an event
   * of theirs commits (the server's own count of outbox reads, the calls on the events service's address): the
   * cost of an event does not grow with its user's idle streams, and other users' requests do not queue behind
   * them for the database.
   */
  @Test
  void oneReadOfTheOutboxServesEveryStreamOfAUserHoweverMany() {
    var seed = server.seed();
    String teacher = seed.teacher("Physics");
    String student = seed.student();
    int streams = server.config().events().getInteger("stream_max_per_user");
    List<EventStreamClient> open = new ArrayList<>();
    try {
      for (int i = 0; i < streams; i++) {
        open.add(follow(server, student, null));
      }
      Wait.sleep(300);
      double before = outboxReads(server);
      book(server, student, teacher, 19);
      for (EventStreamClient stream : open) {
        assertEquals(1, stream.await(event -> true, 1, WITHIN).size());
      }
      double reads = outboxReads(server) - before;
      int verticles = server.config().httpInstances();
      // One read per verticle, and at most one more where the event had to wait for an older transaction.
      assertTrue(reads <= 2 * verticles, reads + " reads for " + streams + " streams on " + verticles + " verticles");
    } finally {
      open.forEach(EventStreamClient::close);
    }
  }

  private static double outboxReads(TestServer on) {
    HttpResponse<Buffer> metrics = on.api().get("/metrics", null);
    assertEquals(200, metrics.statusCode());
    Scrape scrape = new Scrape(metrics.bodyAsString());
    return scrape.value("vertx_eventbus_processed_total", Map.of("address", EventService.ADDRESS, "side", "local"));
  }

  /**
   * A user holds at most {@code events.stream_max_per_user} streams on a node and a node at most
   * {@code events.stream_max_per_node}: one more is 429 in the error shape, with {@code Retry-After}, before
   * anything is read. A stream that ends, whoever ends it, gives its slot back.
   */
  @Test
  void streamsBeyondTheCapsAreRefusedWith429AndAnEndedStreamGivesItsSlotBack() {
    try (TestServer capped = node(15, Map.of("VYOMA_EVENTS_STREAM_MAX_PER_USER", "2",
      "VYOMA_EVENTS_STREAM_MAX_PER_NODE", "3"))) {
      var seed = capped.seed();
      String greedy = seed.student();
      String other = seed.student();
      String late = seed.student();
      try (EventStreamClient first = follow(capped, greedy, null); EventStreamClient second = follow(capped, greedy, null)) {
        JsonObject perUser = assertRefused(capped, greedy);
        assertTrue(perUser.getString("message").contains("(2)"), perUser::encode);
        try (EventStreamClient third = follow(capped, other, null)) {
          JsonObject perNode = assertRefused(capped, late);
          assertTrue(perNode.getString("message").contains("(3)"), perNode::encode);
          second.close();
          Scrape.until(() -> capped.api().get("/metrics", null), "vyoma_events_streams_open", Map.of(), 2);
          try (EventStreamClient again = follow(capped, late, null)) {
            assertRefused(capped, greedy);
          }
        }
      }
    }
  }

  private static JsonObject assertRefused(TestServer on, String userId) {
    EventStreamClient.Refused refused = EventStreamClient.refused(port(on), "/events/stream", on.token(userId));
    assertEquals(429, refused.status());
    assertEquals(429, refused.error().getInteger("status_code"));
    assertEquals("15", refused.headers().get("Retry-After"), "a heartbeat finds a stream whose client has gone");
    return refused.error();
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
      Wait.sleep(200);
      assertTrue(stream.ended(), "the stream was ended");
    }
  }
}
