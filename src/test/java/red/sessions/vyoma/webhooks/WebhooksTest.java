package red.sessions.vyoma.webhooks;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import red.sessions.vyoma.support.LessonEvents;
import red.sessions.vyoma.support.RowLock;
import red.sessions.vyoma.support.Scrape;
import red.sessions.vyoma.support.ServerTest;
import red.sessions.vyoma.support.TestServer;
import red.sessions.vyoma.support.Wait;
import red.sessions.vyoma.support.WebhookReceiver;
import red.sessions.vyoma.support.WebhookReceiver.Received;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.support.Api.assertError;
import static red.sessions.vyoma.support.Api.assertJson;
import static red.sessions.vyoma.support.Seed.bookingBody;
import static red.sessions.vyoma.support.Seed.hoursAhead;

/**
 * Webhooks against a real receiver (a Vert.x HTTP server on loopback): signed deliveries of a lesson's whole
 * life, retries with growing gaps, 410, pings and secret rotation, redelivery, the fan-out of events to the
 * webhooks active when it runs, and two nodes queueing and sending each delivery once. Private targets are
 * allowed here, and the first retry comes after a second.
 */
class WebhooksTest extends ServerTest {

  private static final Duration WITHIN = Duration.ofSeconds(20);

  private static WebhookReceiver receiver;
  private static String admin;
  private final List<String> made = new ArrayList<>();

  @BeforeAll
  static void aReceiverAndAnAdmin() {
    receiver = new WebhookReceiver();
    admin = server.adminToken("webhooks-admin");
  }

  @Override
  protected Map<String, String> settings() {
    return Map.of("VYOMA_WEBHOOKS_ALLOW_PRIVATE_TARGETS", "true", "VYOMA_WEBHOOKS_RETRY_BASE_SECONDS", "1");
  }

  /** Webhooks outlive a test in the shared database: each test removes its own, so no later test sends to them. */
  @AfterEach
  void deleteWebhooks() {
    made.forEach(id -> api.send(HttpMethod.DELETE, "/webhooks/" + id, admin, null));
    // One instance serves every test of the class (ServerTest): the next test starts with none of its own.
    made.clear();
  }

  @AfterAll
  static void closeTheReceiver() {
    receiver.close();
  }

  private JsonObject register(String path, String... events) {
    JsonObject created = assertJson(api.post("/webhooks", admin, new JsonObject().put("url", receiver.url(path))
      .put("events", new JsonArray(List.of((Object[]) events))).put("description", "test " + path)), 201);
    made.add(created.getString("id"));
    return created;
  }

  private static String path() {
    return "/hooks/" + UUID.randomUUID();
  }

  private static List<JsonObject> deliveries(String webhookId, String query) {
    return new JsonArray(api.get("/webhooks/" + webhookId + "/deliveries" + query, admin).bodyAsString()).stream()
      .map(JsonObject.class::cast).toList();
  }

  /** A booking the student makes; its id. */
  private static String booking(int hours) {
    var seed = server.seed();
    String teacher = seed.teacher("Physics");
    String student = seed.student();
    seed.slot(teacher, hoursAhead(hours), hoursAhead(hours + 1));
    return seed.booking(student, teacher, hoursAhead(hours), hoursAhead(hours + 1));
  }

  @Test
  void aWebhookReceivesALessonsWholeLifeOnceEachSignedWithItsSecret() {
    String path = path();
    JsonObject webhook = register(path, "*");
    String secret = webhook.getString("secret");
    assertTrue(secret.startsWith("whsec_"));
    assertTrue(webhook.getBoolean("active"));
    LessonEvents.Lived lesson = LessonEvents.liveALesson(server, 3);
    List<Received> got = receiver.await(path, request -> request.body().contains(lesson.bookingId()),
      LessonEvents.LIFE.size(), WITHIN);
    List<Received> inOrder = got.stream().sorted(Comparator.comparingLong(request -> request.json().getLong("sequence"))).toList();
    assertEquals(LessonEvents.LIFE, inOrder.stream().map(Received::eventType).toList());
    assertEquals(LessonEvents.LIFE.size(), got.stream().map(Received::eventId).distinct().count(), "each event once");
    List<JsonObject> feed = LessonEvents.eventsOf(server, server.token(lesson.student()), "", LessonEvents.LIFE.size());
    for (int i = 0; i < inOrder.size(); i++) {
      Received request = inOrder.get(i);
      assertTrue(request.signedWith(secret), () -> "signature " + request.signature());
      assertFalse(request.signedWith("whsec_another"));
      long t = Long.parseLong(request.part("t").get(0));
      assertTrue(Math.abs(Instant.now().getEpochSecond() - t) < 60, "t is the time of sending");
      assertEquals(request.json().getString("id"), request.eventId());
      assertEquals(feed.get(i), request.json(), "the webhook gets the envelope the feed shows");
    }
    List<JsonObject> log = deliveries(webhook.getString("id"), "?status=delivered&limit=500");
    assertTrue(log.size() >= LessonEvents.LIFE.size());
    JsonObject one = log.get(0);
    assertEquals(1, one.getJsonArray("attempts").size());
    assertEquals(200, one.getJsonArray("attempts").getJsonObject(0).getInteger("status_code"));
    assertNull(one.getValue("next_attempt_at"));
  }

  @Test
  void aFailingReceiverGetsRetriesWithGrowingGapsAndTheLogShowsThem() {
    String path = path();
    receiver.failFirst(path, 3, 503);
    JsonObject webhook = register(path, "booking.created");
    String bookingId = booking(5);
    List<Received> attempts = receiver.await(path, request -> request.body().contains(bookingId), 4, WITHIN);
    assertEquals(4, attempts.size(), "three failures, then the delivery");
    assertEquals(1, attempts.stream().map(Received::eventId).distinct().count());
    long first = Duration.between(attempts.get(0).at(), attempts.get(1).at()).toMillis();
    long second = Duration.between(attempts.get(1).at(), attempts.get(2).at()).toMillis();
    long third = Duration.between(attempts.get(2).at(), attempts.get(3).at()).toMillis();
    assertTrue(first >= 700 && first < second && second < third, first + " ms, " + second + " ms, " + third + " ms");
    List<JsonObject> log = deliveries(webhook.getString("id"), "");
    assertEquals(1, log.size());
    JsonObject delivery = log.get(0);
    assertEquals("delivered", delivery.getString("status"));
    assertEquals("booking.created", delivery.getString("event_type"));
    assertEquals(List.of(503, 503, 503, 200), delivery.getJsonArray("attempts").stream()
      .map(attempt -> ((JsonObject) attempt).getInteger("status_code")).toList());
    assertEquals(List.of(1, 2, 3, 4), delivery.getJsonArray("attempts").stream()
      .map(attempt -> ((JsonObject) attempt).getInteger("attempt")).toList());
    Scrape metrics = new Scrape(api.get("/metrics", null).bodyAsString());
    assertTrue(metrics.value("vyoma_webhooks_attempts_total", Map.of("outcome", "retry")) >= 3);
    assertTrue(metrics.value("vyoma_webhooks_attempts_total", Map.of("outcome", "delivered")) >= 1);
  }

  @Test
  void aReceiverAnswering410TurnsTheWebhookOffAtOnce() {
    String path = path();
    receiver.answer(path, 410);
    JsonObject webhook = register(path, "booking.*");
    String id = webhook.getString("id");
    String bookingId = booking(7);
    assertEquals(1, receiver.await(path, request -> request.body().contains(bookingId), 1, WITHIN).size());
    JsonObject after = assertJson(api.get("/webhooks/" + id, admin), 200);
    assertFalse(after.getBoolean("active"));
    assertTrue(after.getString("deactivated_reason").contains("410"), after::encode);
    assertEquals("failed", deliveries(id, "").get(0).getString("status"));
    String later = booking(9);
    Wait.sleep(1500);
    assertEquals(List.of(), receiver.at(path).stream().filter(request -> request.body().contains(later)).toList());
    assertEquals(1, deliveries(id, "").size(), "an inactive webhook gets no deliveries");
    assertError(api.post("/webhooks/" + id + "/ping", admin, null), 409);
    JsonObject on = assertJson(api.send(HttpMethod.PATCH, "/webhooks/" + id, admin, new JsonObject().put("active", true)), 200);
    assertTrue(on.getBoolean("active"));
    assertNull(on.getValue("deactivated_reason"));
  }

  @Test
  void aReceiverThatTookNoDeliveryForTheWholeRetryWindowIsTurnedOffAndOneThatTookOneStaysOn() throws SQLException {
    String silent = path();
    receiver.answer(silent, 503);
    String silentId = register(silent, "booking.created").getString("id");
    String taking = path();
    String takingId = register(taking, "booking.created").getString("id");
    String first = booking(11);
    String taken = receiver.await(taking, request -> request.body().contains(first), 1, WITHIN).get(0).eventId();
    Wait.eventually(WITHIN, Duration.ofMillis(100), () -> "delivered".equals(statusOf(takingId, taken)),
      () -> "the first delivery recorded as delivered");
    receiver.answer(taking, 503);

    String second = booking(13);
    String refused = receiver.await(silent, request -> request.body().contains(second), 1, WITHIN).get(0).eventId();
    receiver.await(taking, request -> request.body().contains(second), 1, WITHIN);
    // Both deliveries began their retries more than the window (72 hours by default) ago: their next failure is final.
    try (Connection connection = DriverManager.getConnection(TestServer.sharedJdbcUrl());
         PreparedStatement back = connection.prepareStatement("UPDATE webhook_deliveries SET retry_from = now() - interval '73 hours'"
           + " WHERE webhook_id = ANY(?::uuid[]) AND event_id = ?::uuid")) {
      back.setArray(1, connection.createArrayOf("text", new Object[] {silentId, takingId}));
      back.setString(2, refused);
      assertEquals(2, back.executeUpdate());
    }
    Wait.eventually(WITHIN, Duration.ofMillis(100),
      () -> "failed".equals(statusOf(silentId, refused)) && "failed".equals(statusOf(takingId, refused)),
      () -> "both deliveries failed for good");

    JsonObject off = assertJson(api.get("/webhooks/" + silentId, admin), 200);
    assertFalse(off.getBoolean("active"), off::encode);
    assertEquals("no delivery succeeded for 72 hours", off.getString("deactivated_reason"));
    JsonObject on = assertJson(api.get("/webhooks/" + takingId, admin), 200);
    assertTrue(on.getBoolean("active"), () -> "it took a delivery within the window: " + on.encode());
    assertNull(on.getValue("deactivated_reason"));
  }

  /** The status of the webhook's delivery of the event, or null before it is queued. */
  private static String statusOf(String webhookId, String eventId) {
    return deliveries(webhookId, "?limit=500").stream().filter(delivery -> eventId.equals(delivery.getString("event_id")))
      .map(delivery -> delivery.getString("status")).findFirst().orElse(null);
  }

  @Test
  void aPingIsSignedAndARotatedSecretSignsBesideThePreviousOne() {
    String path = path();
    JsonObject webhook = register(path, "review.created");
    String id = webhook.getString("id");
    String first = webhook.getString("secret");
    assertEquals("Ping queued; see the webhook's deliveries",
      assertJson(api.post("/webhooks/" + id + "/ping", admin, null), 202).getString("message"));
    Received ping = receiver.await(path, request -> true, 1, WITHIN).get(0);
    assertEquals("ping", ping.eventType());
    assertEquals(id, ping.json().getJsonObject("data").getString("id"));
    assertEquals(new JsonArray(), ping.json().getJsonArray("users"));
    assertEquals(1, ping.part("v1").size());
    assertTrue(ping.signedWith(first));

    JsonObject rotated = assertJson(api.post("/webhooks/" + id + "/rotate-secret", admin, null), 200);
    String second = rotated.getString("secret");
    assertNotEquals(first, second);
    assertFalse(assertJson(api.get("/webhooks/" + id, admin), 200).containsKey("secret"), "the secret is shown only when made");
    api.post("/webhooks/" + id + "/ping", admin, null);
    Received afterRotation = receiver.await(path, request -> true, 2, WITHIN).get(1);
    assertEquals(2, afterRotation.part("v1").size());
    assertTrue(afterRotation.signedWith(second));
    assertTrue(afterRotation.signedWith(first));
    assertEquals(2L, afterRotation.json().getLong("sequence"), "pings count per webhook");
  }

  @Test
  void aPingGoesToItsWebhookAloneEvenBesideOneThatTakesEverything() {
    String everythingPath = path();
    String everything = register(everythingPath, "*").getString("id");
    String pingedPath = path();
    String pinged = register(pingedPath, "review.created").getString("id");
    assertJson(api.post("/webhooks/" + pinged + "/ping", admin, null), 202);
    assertEquals("ping", receiver.await(pingedPath, request -> true, 1, WITHIN).get(0).eventType());
    // The booking commits after the ping, so once its event reached the other webhook the fan-out has passed the ping.
    String bookingId = booking(13);
    assertEquals(1, receiver.await(everythingPath, request -> request.body().contains(bookingId), 1, WITHIN).size());
    assertEquals(List.of(), deliveries(everything, "?limit=500").stream()
      .filter(delivery -> delivery.getString("event_type").equals("ping")).toList());
    assertEquals(List.of(), receiver.at(everythingPath).stream().filter(request -> request.eventType().equals("ping")).toList());
  }

  /**
   * The rule: a webhook gets the events fanned out while it is active. An event whose transaction committed
   * while an older one was still running waits for that one (the outbox's commit-safe order), and a webhook
   * made meanwhile gets it.
   */
  @Test
  void aWebhookMadeWhileAnEventWaitsForAnOlderTransactionGetsIt() {
    String bystander = server.seed().student();
    String bookingId;
    String path = path();
    try (RowLock older = RowLock.on("profiles", "user_id", bystander)) {
      bookingId = booking(15);
      register(path, "booking.created");
      older.release();
    }
    List<Received> got = receiver.await(path, request -> request.body().contains(bookingId), 1, WITHIN);
    assertEquals(List.of("booking.created"), got.stream().map(Received::eventType).toList());
  }

  @Test
  void twoNodesQueueEachEventOnceForEachWebhookThatMatchesIt() {
    String onePath = path();
    String one = register(onePath, "booking.created").getString("id");
    String familyPath = path();
    String family = register(familyPath, "booking.*").getString("id");
    try (TestServer other = TestServer.start(settings())) {
      int bookings = 12;
      List<String> made = IntStream.range(0, bookings).mapToObj(i -> {
        var seed = (i % 2 == 0 ? server : other).seed();
        String teacher = seed.teacher("Physics");
        String student = seed.student();
        seed.slot(teacher, hoursAhead(17), hoursAhead(18));
        return seed.booking(student, teacher, hoursAhead(17), hoursAhead(18));
      }).toList();
      for (String path : List.of(onePath, familyPath)) {
        List<Received> got = receiver.await(path, request -> made.stream().anyMatch(request.body()::contains), bookings, WITHIN);
        assertEquals(bookings, got.stream().map(Received::eventId).distinct().count(), path);
        assertEquals(bookings, got.size(), () -> "each event sent once to " + path);
      }
      for (String webhook : List.of(one, family)) {
        List<JsonObject> log = deliveries(webhook, "?limit=500");
        assertEquals(bookings, log.size(), "one delivery per event");
        assertEquals(bookings, log.stream().map(delivery -> delivery.getString("event_id")).distinct().count());
      }
    }
  }

  @Test
  void aDeliveryIsSentAgainOnRequestAndAPendingOneIsNot() {
    String path = path();
    JsonObject webhook = register(path, "booking.created");
    String id = webhook.getString("id");
    String bookingId = booking(11);
    Received first = receiver.await(path, request -> request.body().contains(bookingId), 1, WITHIN).get(0);
    JsonObject delivery = deliveries(id, "?status=delivered").get(0);
    JsonObject again = assertJson(api.post("/webhooks/" + id + "/deliveries/" + delivery.getString("id") + "/redeliver",
      admin, null), 202);
    assertEquals("pending", again.getString("status"));
    List<Received> both = receiver.await(path, request -> request.body().contains(bookingId), 2, WITHIN);
    assertEquals(2, both.size());
    assertEquals(first.eventId(), both.get(1).eventId());
    assertEquals(first.body(), both.get(1).body());
    assertEquals(2, deliveries(id, "").get(0).getJsonArray("attempts").size());
    assertError(api.post("/webhooks/" + id + "/deliveries/" + UUID.randomUUID() + "/redeliver", admin, null), 404);

    receiver.delay(Duration.ofSeconds(3));
    try {
      api.post("/webhooks/" + id + "/deliveries/" + delivery.getString("id") + "/redeliver", admin, null);
      assertError(api.post("/webhooks/" + id + "/deliveries/" + delivery.getString("id") + "/redeliver", admin, null), 409);
    } finally {
      receiver.delay(Duration.ZERO);
    }
  }

  @Test
  void webhooksAreForAdminsAndTheirInputIsChecked() {
    String student = server.token(server.seed().student());
    JsonObject body = new JsonObject().put("url", receiver.url(path())).put("events", new JsonArray().add("*"));
    assertError(api.post("/webhooks", student, body), 403);
    assertError(api.get("/webhooks", student), 403);
    for (JsonObject bad : List.of(
      body.copy().put("events", new JsonArray()),
      body.copy().put("events", new JsonArray().add("booking.exploded")),
      body.copy().put("events", new JsonArray().add("ping")),
      body.copy().put("url", "ftp://example.com/hook"),
      body.copy().put("url", "https://user:pass@example.com/hook"),
      body.copy().put("url", "not a url"),
      body.copy().put("active", false),
      body.copy().put("description", "x".repeat(501)))) {
      assertError(api.post("/webhooks", admin, bad), 400);
    }
    String path = path();
    JsonObject created = register(path, "booking.*", "meeting.ended");
    String id = created.getString("id");
    assertEquals(new JsonArray().add("booking.*").add("meeting.ended"), created.getJsonArray("events"));
    JsonObject changed = assertJson(api.send(HttpMethod.PATCH, "/webhooks/" + id, admin,
      new JsonObject().put("events", new JsonArray().add("*")).put("description", "")), 200);
    assertEquals(new JsonArray().add("*"), changed.getJsonArray("events"));
    assertEquals("", changed.getString("description"));
    assertEquals(receiver.url(path), changed.getString("url"));
    assertError(api.send(HttpMethod.PATCH, "/webhooks/" + id, admin, new JsonObject()), 400);
    assertTrue(new JsonArray(api.get("/webhooks?limit=500", admin).bodyAsString()).stream()
      .anyMatch(item -> ((JsonObject) item).getString("id").equals(id)));
    assertJson(api.send(HttpMethod.DELETE, "/webhooks/" + id, admin, null), 200);
    assertError(api.get("/webhooks/" + id, admin), 404);
    assertError(api.get("/webhooks/" + id + "/deliveries", admin), 404);
    assertError(api.get("/webhooks/" + UUID.randomUUID() + "/deliveries?status=lost", admin), 400);
  }

  @Test
  void twoNodesNeverSendOneAttemptTwice() {
    String path = path();
    receiver.delay(Duration.ofMillis(200));
    try (TestServer other = TestServer.start(settings())) {
      JsonObject webhook = register(path, "review.created");
      String id = webhook.getString("id");
      int pings = 40;
      IntStream.range(0, pings).forEach(i -> assertJson(api.post("/webhooks/" + id + "/ping", admin, null), 202));
      List<Received> got = receiver.await(path, request -> true, pings, WITHIN);
      Map<String, Long> perEvent = got.stream().collect(Collectors.groupingBy(Received::eventId, Collectors.counting()));
      assertEquals(pings, perEvent.size());
      assertEquals(Set.of(1L), Set.copyOf(perEvent.values()), () -> "sent more than once: " + perEvent);
      assertTrue(deliveries(id, "?limit=500").stream().allMatch(delivery -> delivery.getJsonArray("attempts").size() == 1));
    } finally {
      receiver.delay(Duration.ZERO);
    }
  }
}
