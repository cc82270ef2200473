package red.sessions.vyoma.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import red.sessions.vyoma.support.Api;
import red.sessions.vyoma.support.Scrape;
import red.sessions.vyoma.support.Seed;
import red.sessions.vyoma.support.TestServer;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.support.Api.assertError;
import static red.sessions.vyoma.support.Api.assertJson;
import static red.sessions.vyoma.support.Seed.bookingBody;
import static red.sessions.vyoma.support.Seed.hoursAhead;

/** {@code GET /metrics}: Prometheus text with the HTTP, pool, event-bus, JVM and domain meters of this server. */
@ExtendWith(VertxExtension.class)
class MetricsTest {

  private static final String REQUESTS = "vertx_http_server_requests_total";

  private static TestServer server;
  private static Api api;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    api = server.api();
  }

  @AfterAll
  static void stop() {
    server.close();
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

    Scrape scrape = scrapeUntil(() -> api.get("/metrics", null),
      s -> s.value(REQUESTS, route("POST", "/meetings", "200")) == 1);

    assertEquals(2, scrape.value(REQUESTS, route("GET", "/bookings/:booking_id", "200")));
    assertEquals(1, scrape.value(REQUESTS, route("GET", "/bookings/:booking_id", "401")));
    assertEquals(2, scrape.value(REQUESTS, route("PATCH", "/bookings/:booking_id", "200")), "one cancel, one confirm");
    assertEquals(4, scrape.value(REQUESTS, route("POST", "/bookings", "201")), "three bookings and one replay");
    assertEquals(1, scrape.value(REQUESTS, route("POST", "/bookings", "409")));
    assertFalse(scrape.samples().stream().anyMatch(s -> s.labels().values().stream().anyMatch(v -> v.contains(cancelled))),
      "no label carries an id");
    assertTrue(scrape.has("vertx_http_server_response_time_seconds_bucket"), "latency histogram");
    assertFalse(scrape.find("vertx_http_server_response_time_seconds_bucket", route("POST", "/bookings", "201")).isEmpty());

    assertEquals(3, scrape.value("vyoma_bookings_made_total", Map.of()), "a replay is not a new booking");
    assertEquals(1, scrape.value("vyoma_bookings_cancelled_total", Map.of()));
    assertEquals(1, scrape.value("vyoma_meetings_started_total", Map.of()), "joining a live meeting starts none");
    assertEquals(1, scrape.value("vyoma_conflicts_total", Map.of("domain", "vyoma.bookings", "action", "create")));
    assertEquals(0, scrape.value("vyoma_conflicts_total", Map.of("domain", "vyoma.bookings", "action", "change-status")));

    assertFalse(scrape.find("vertx_pool_in_use", Map.of("pool_type", "sql", "pool_name", "vyoma")).isEmpty(), "PostgreSQL pool");
    assertTrue(scrape.value("vertx_eventbus_processed_total", Map.of("address", "vyoma.bookings", "side", "local")) >= 8,
      "event bus by address");
    assertTrue(scrape.value("jvm_memory_used_bytes", Map.of("area", "heap", "id", "G1 Eden Space")) >= 0);
    assertTrue(scrape.has("jvm_threads_live_threads") && scrape.has("process_cpu_usage"), "JVM binders");
  }

  @Test
  void metricsNeedNoTokenAndAreThePrometheusTextFormat() {
    assertJson(api.get("/health", null), 200);
    HttpResponse<Buffer> response = api.get("/metrics", null);
    assertEquals(200, response.statusCode());
    assertTrue(response.getHeader("Content-Type").startsWith("text/plain; version=0.0.4"), response.getHeader("Content-Type"));
    assertTrue(scrapeUntil(() -> api.get("/metrics", null), s -> s.value(REQUESTS, route("GET", "/health", "200")) >= 1)
      .value(REQUESTS, route("GET", "/health", "200")) >= 1);
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
      WebClient client = WebClient.create(separate.vertx());
      Scrape scrape = scrapeUntil(() -> client.get(metricsPort, "127.0.0.1", "/metrics").send().await(),
        s -> s.value(REQUESTS, route("GET", "/health", "200")) == 1);
      assertEquals(1, scrape.value(REQUESTS, route("GET", "/health", "200")));
      assertEquals(404, client.get(metricsPort, "127.0.0.1", "/bookings").send().await().statusCode());
    }
  }

  private static Map<String, String> route(String method, String route, String code) {
    return Map.of("method", method, "route", route, "code", code);
  }

  /**
   * Scrapes until the condition holds: the server counts a request once its response has ended, which
   * the client may see a moment before.
   */
  private static Scrape scrapeUntil(Supplier<HttpResponse<Buffer>> metrics, Predicate<Scrape> condition) {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(5));
    while (true) {
      HttpResponse<Buffer> response = metrics.get();
      assertEquals(200, response.statusCode());
      Scrape scrape = new Scrape(response.bodyAsString());
      if (condition.test(scrape) || Instant.now().isAfter(deadline)) {
        return scrape;
      }
      sleep(50);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
