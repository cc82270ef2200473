package red.sessions.vyoma.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import red.sessions.vyoma.events.EventNotices;
import red.sessions.vyoma.support.EventStreamClient;
import red.sessions.vyoma.support.Scrape;
import red.sessions.vyoma.support.Seed;
import red.sessions.vyoma.support.ServerTest;
import red.sessions.vyoma.support.TestServer;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.support.Api.assertError;
import static red.sessions.vyoma.support.Api.assertJson;
import static red.sessions.vyoma.support.Seed.bookingBody;
import static red.sessions.vyoma.support.Seed.hoursAhead;

/** {@code GET /metrics}: Prometheus text with the HTTP, pool, event-bus, JVM and domain meters of this server. */
@ExtendWith(VertxExtension.class)
class MetricsTest extends ServerTest {

  private static final String REQUESTS = "vertx_http_server_requests_total";

  @Test
  void byDefaultEveryEventLoopHasAnHttpVerticle() {
    // Each HTTP verticle follows the outbox's notices for its event streams; the node's other followers are the
    // same whatever the count, so two servers' followers differ by their HTTP verticles.
    Map<String, String> notices = Map.of("address", EventNotices.ADDRESS);
    double pinned = new Scrape(api.get("/metrics", null).bodyAsString()).value("vertx_eventbus_handlers", notices);
    try (TestServer byDefault = TestServer.start(Map.of("VYOMA_HTTP_INSTANCES", "0"))) {
      double everyLoop = new Scrape(byDefault.api().get("/metrics", null).bodyAsString())
        .value("vertx_eventbus_handlers", notices);
      assertEquals(2 * Runtime.getRuntime().availableProcessors() - server.config().httpInstances(), everyLoop - pinned);
    }
  }

  @Test
  void requestsAreCountedByRouteTemplateAndStatusAlongsideTheBusinessEvents() {
    Seed seed = server.seed();
    String teacher = seed.teacher("Chemistry");
    String student = seed.student();
    seed.slot(teacher, hoursAhead(40), hoursAhead(44));
    String cancelled = seed.booking(student, teacher, hoursAhead(40), hoursAhead(41));
    assertError(api.post("/bookings", server.token(student), bookingBody(student, teacher, hoursAhead(40), hoursAhead(41))), 409);
    assertJson(api.get("/bookings/" + cancelled, server.token(student)), 200);
    assertJson(api.get("/bookings/" + cancelled, server.token(teacher)), 200);
    assertError(api.get("/bookings/" + cancelled, null), 401);
    assertJson(api.send(HttpMethod.PATCH, "/bookings/" + cancelled, server.token(student),
      new JsonObject().put("status", "cancelled")), 200);

    JsonObject retried = bookingBody(student, teacher, hoursAhead(42), hoursAhead(43));
    for (int attempt = 0; attempt < 2; attempt++) {
      assertJson(api.request(HttpMethod.POST, "/bookings").bearerTokenAuthentication(server.token(student))
        .putHeader("Idempotency-Key", "metrics-retry").sendJsonObject(retried).await(), 201);
    }
    String lesson = seed.booking(student, teacher, hoursAhead(43), hoursAhead(44));
    assertJson(api.send(HttpMethod.PATCH, "/bookings/" + lesson, server.token(teacher),
      new JsonObject().put("status", "confirmed")), 200);
    String sessionId = assertJson(api.post("/sessions", server.token(student), new JsonObject().put("booking_id", lesson)), 201)
      .getString("session_id");
    JsonObject join = new JsonObject().put("session_id", sessionId);
    assertJson(api.post("/meetings", server.token(student), join), 201);
    assertJson(api.post("/meetings", server.token(teacher), join), 200);

    assertError(api.get("/files/" + cancelled + "/notes.pdf", null), 401);
    assertError(api.get("/no-such-path", null), 404);

    Scrape scrape = Scrape.until(() -> api.get("/metrics", null), REQUESTS, route("GET", "", "404"), 1);

    assertEquals(2, scrape.value(REQUESTS, route("GET", "/bookings/:booking_id", "200")));
    assertEquals(1, scrape.value(REQUESTS, route("GET", "/bookings/:booking_id", "401")));
    assertEquals(2, scrape.value(REQUESTS, route("PATCH", "/bookings/:booking_id", "200")), "one cancel, one confirm");
    assertEquals(4, scrape.value(REQUESTS, route("POST", "/bookings", "201")), "three bookings and one replay");
    assertEquals(1, scrape.value(REQUESTS, route("POST", "/bookings", "409")));
    assertEquals(1, scrape.value(REQUESTS, route("POST", "/meetings", "200")));
    assertEquals(1, scrape.value(REQUESTS, route("GET", "/files/:key", "401")), "a regex route by its template");
    assertFalse(scrape.samples().stream().anyMatch(s -> s.labels().values().stream().anyMatch(v -> v.contains(cancelled))),
      "no label carries an id");
    assertFalse(scrape.find("vertx_http_server_response_time_seconds_bucket", route("POST", "/bookings", "201")).isEmpty(),
      "latency histogram");
    assertTrue(scrape.value("vertx_http_server_active_requests", Map.of("method", "GET")) >= 1, "the scrape itself");
    assertTrue(scrape.value("vertx_http_server_active_connections", Map.of()) >= 1, "the scrape's connection");
    assertTrue(scrape.value("vertx_http_server_bytes_read_total", Map.of()) > 0);
    assertTrue(scrape.value("vertx_http_server_bytes_written_total", Map.of()) > 0);
    assertFalse(scrape.has("vertx_http_server_request_bytes_count"), "Vert.x's own HTTP server metrics are off");

    assertEquals(3, scrape.value("vyoma_bookings_made_total", Map.of()), "a replay is not a new booking");
    assertEquals(1, scrape.value("vyoma_bookings_cancelled_total", Map.of()));
    assertEquals(1, scrape.value("vyoma_meetings_started_total", Map.of()), "joining a live meeting starts none");
    assertEquals(1, scrape.value("vyoma_conflicts_total", Map.of("domain", "vyoma.bookings", "action", "create")));
    assertEquals(0, scrape.value("vyoma_conflicts_total", Map.of("domain", "vyoma.bookings", "action", "change-status")),
      "every action's conflicts are counted from the start");
    // The backlogs are gauges from the start (how they move: WebhooksTest).
    assertTrue(scrape.value("vyoma_webhooks_due", Map.of()) >= 0);
    assertTrue(scrape.value("vyoma_notifications_due", Map.of()) >= 0);
  }

  @Test
  void thePoolTheEventBusByAddressAndTheJvmAreMeasured() {
    // Reviews, which no other test here asks for, so the counts at that address are this test's own.
    String student = server.seed().student();
    assertError(api.post("/bookings/" + UUID.randomUUID() + "/review", server.token(student),
      new JsonObject().put("rating", 5)), 404);

    // The client may see the 404 before the sender has counted the reply failure: Vert.x counts it after completing
    // the future the HTTP answer is written from. Both counters are waited for (neither goes down, and only this
    // test sends to that address); the consumer counts a message processed before its handler runs.
    Map<String, String> reviews = Map.of("address", "vyoma.reviews", "side", "local");
    Map<String, String> recipientFailure = Map.of("address", "vyoma.reviews", "failure", "RECIPIENT_FAILURE");
    Scrape.until(() -> api.get("/metrics", null), REQUESTS, route("POST", "/bookings/:booking_id/review", "404"), 1);
    Scrape scrape = Scrape.until(() -> api.get("/metrics", null), "vertx_eventbus_reply_failures_total", recipientFailure, 1);

    Map<String, String> pool = Map.of("pool_type", "sql", "pool_name", "vyoma");
    assertTrue(scrape.value("vertx_pool_completed_total", pool) >= 2, "the profile saved, the booking looked for");
    assertTrue(scrape.value("vertx_pool_usage_seconds_count", pool) >= 2);
    assertTrue(scrape.value("vertx_pool_queue_time_seconds_count", pool) >= 2);
    // Gauges of the moment: whether a connection is still being handed back when the scrape runs is a race.
    assertFalse(scrape.find("vertx_pool_in_use", pool).isEmpty());
    assertFalse(scrape.find("vertx_pool_queue_pending", pool).isEmpty());

    assertEquals(server.config().domainInstances(),
      scrape.value("vertx_eventbus_handlers", Map.of("address", "vyoma.reviews")), "one consumer per domain verticle");
    assertEquals(1, scrape.value("vertx_eventbus_processed_total", reviews));
    assertEquals(0, scrape.value("vertx_eventbus_pending", reviews));
    assertEquals(1, scrape.value("vertx_eventbus_reply_failures_total", recipientFailure), "the 404 the domain answered");

    assertTrue(scrape.sum("jvm_memory_used_bytes", Map.of("area", "heap")) > 0);
    assertTrue(scrape.value("jvm_threads_live_threads", Map.of()) >= 1);
    assertTrue(scrape.value("process_uptime_seconds", Map.of()) > 0);
    assertTrue(scrape.has("jvm_gc_memory_allocated_bytes_total") && scrape.has("process_cpu_usage"), "JVM binders");
  }

  @Test
  void aRequestIsActiveUntilItEndsHoweverItEnds() {
    String student = seed.student();
    Map<String, String> get = Map.of("method", "GET");
    try (EventStreamClient stream = EventStreamClient.open(server.config().http().getInteger("port"), "/events/stream",
      server.token(student), null)) {
      Scrape.until(() -> api.get("/metrics", null), "vertx_http_server_active_requests", get, 2);
    }
    // The stream ended by its client closing the connection, never answered to its end; the scrape alone is left.
    Scrape.until(() -> api.get("/metrics", null), "vertx_http_server_active_requests", get, 1);
  }

  @Test
  void aMethodTheApiDoesNotKnowIsCountedUnderOneLabel() {
    for (String method : List.of("BREW", "BREW", "WHEN")) {
      assertEquals(405, api.request(HttpMethod.valueOf(method), "/health").send().await().statusCode());
    }
    Scrape scrape = Scrape.until(() -> api.get("/metrics", null), REQUESTS, route("OTHER", "", "405"), 3);
    // The server's meters only: this test's own client runs on the server's Vert.x, whose client metrics it is in.
    assertTrue(scrape.samples().stream().filter(s -> s.name().startsWith("vertx_http_server_"))
      .noneMatch(s -> s.labels().containsValue("BREW") || s.labels().containsValue("WHEN")),
      "no label of the server carries a method a client made up");
  }

  @Test
  void metricsNeedNoTokenAndAreThePrometheusTextFormat() {
    assertJson(api.get("/health", null), 200);
    HttpResponse<Buffer> response = api.get("/metrics", null);
    assertEquals(200, response.statusCode());
    assertTrue(response.getHeader("Content-Type").startsWith("text/plain; version=0.0.4"), response.getHeader("Content-Type"));
    Scrape.until(() -> api.get("/metrics", null), REQUESTS, route("GET", "/health", "200"), 1);
  }

  @Test
  void metricsOffMeansNoMetricsRoute() {
    try (TestServer off = TestServer.start(Map.of("VYOMA_METRICS_ENABLED", "false"))) {
      assertError(off.api().get("/metrics", null), 404);
      assertJson(off.api().get("/health", null), 200);
    }
  }

  @Test
  void aMetricsPortServesThemApartFromTheApi() {
    int metricsPort = TestServer.freePort();
    try (TestServer separate = TestServer.start(Map.of("VYOMA_METRICS_PORT", String.valueOf(metricsPort)))) {
      assertError(separate.api().get("/metrics", null), 404);
      assertJson(separate.api().get("/health", null), 200);
      WebClient client = separate.client(new WebClientOptions());
      Scrape.until(() -> client.get(metricsPort, "127.0.0.1", "/metrics").send().await(), REQUESTS, route("GET", "/health", "200"), 1);
      assertError(client.get(metricsPort, "127.0.0.1", "/bookings").send().await(), 404);
    }
  }

  private static Map<String, String> route(String method, String route, String code) {
    return Map.of("method", method, "route", route, "code", code);
  }
}
