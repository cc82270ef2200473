package red.sessions.vyoma.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import red.sessions.vyoma.support.Api;
import red.sessions.vyoma.support.ServerTest;
import red.sessions.vyoma.support.TestServer;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.support.Api.assertError;
import static red.sessions.vyoma.support.Api.assertJson;

/** Browsers on the configured origins may call the API; others, and every origin by default, get no CORS headers. */
@ExtendWith(VertxExtension.class)
class CorsTest extends ServerTest {

  private static final String APP = "https://app.example";
  private static final String ALLOW_ORIGIN = "Access-Control-Allow-Origin";

  @Override
  protected Map<String, String> settings() {
    return Map.of("VYOMA_CORS_ALLOWED_ORIGINS", APP + ", https://admin.example");
  }

  @Test
  void aPreflightFromAnAllowedOriginIsAnsweredWithoutAToken() {
    HttpResponse<Buffer> preflight = preflight(api, APP, "PATCH", "authorization,content-type,if-match,idempotency-key");
    assertEquals(204, preflight.statusCode());
    assertEquals(APP, preflight.getHeader(ALLOW_ORIGIN));
    assertTrue(list(preflight.getHeader("Access-Control-Allow-Methods")).containsAll(
      List.of("get", "post", "put", "patch", "delete")), preflight.getHeader("Access-Control-Allow-Methods"));
    assertTrue(list(preflight.getHeader("Access-Control-Allow-Headers")).containsAll(
      List.of("authorization", "content-type", "idempotency-key", "if-match", "last-event-id", "x-request-id")),
      preflight.getHeader("Access-Control-Allow-Headers"));
    assertEquals("600", preflight.getHeader("Access-Control-Max-Age"));
  }

  @Test
  void anAllowedOriginReadsAnswersAndTheHeadersClientsNeed() {
    String token = server.token("cors-user");
    HttpResponse<Buffer> answer = api.request(HttpMethod.GET, "/bookings/" + UUID.randomUUID())
      .bearerTokenAuthentication(token).putHeader("Origin", APP).send().await();
    assertError(answer, 404);
    assertEquals(APP, answer.getHeader(ALLOW_ORIGIN));
    assertTrue(list(answer.getHeader("Access-Control-Expose-Headers")).containsAll(
      List.of("x-request-id", "etag", "idempotent-replayed", "location", "retry-after", "ratelimit-limit",
        "ratelimit-remaining", "ratelimit-reset")), answer.getHeader("Access-Control-Expose-Headers"));

    HttpResponse<Buffer> refused = api.request(HttpMethod.GET, "/profiles?user_id=cors-user")
      .putHeader("Origin", "https://admin.example").send().await();
    assertError(refused, 401);
    assertEquals("https://admin.example", refused.getHeader(ALLOW_ORIGIN), "a page can read why it was refused");
  }

  @Test
  void anotherOriginIsServedWithoutCorsHeaders() {
    HttpResponse<Buffer> health = api.request(HttpMethod.GET, "/health").putHeader("Origin", "https://evil.example").send().await();
    assertJson(health, 200);
    assertNull(health.getHeader(ALLOW_ORIGIN));
    assertTrue(health.getHeader("Vary").contains("Origin"));

    HttpResponse<Buffer> preflight = preflight(api, "https://evil.example", "POST", "authorization");
    assertNull(preflight.getHeader(ALLOW_ORIGIN));
    assertNull(preflight.getHeader("Access-Control-Allow-Methods"));
    assertError(preflight, 405);
  }

  @Test
  void byDefaultNoOriginGetsCorsHeaders() {
    try (TestServer plain = TestServer.start()) {
      HttpResponse<Buffer> health = plain.api().request(HttpMethod.GET, "/health").putHeader("Origin", APP).send().await();
      assertJson(health, 200);
      assertNull(health.getHeader(ALLOW_ORIGIN));
      HttpResponse<Buffer> preflight = preflight(plain.api(), APP, "POST", "authorization");
      assertNull(preflight.getHeader(ALLOW_ORIGIN));
      assertError(preflight, 405);
    }
  }

  private static HttpResponse<Buffer> preflight(Api api, String origin, String method, String headers) {
    return api.request(HttpMethod.OPTIONS, "/bookings")
      .putHeader("Origin", origin)
      .putHeader("Access-Control-Request-Method", method)
      .putHeader("Access-Control-Request-Headers", headers)
      .send().await();
  }

  private static List<String> list(String header) {
    assertTrue(header != null, "header missing");
    return Arrays.stream(header.split(",")).map(String::strip).map(String::toLowerCase).toList();
  }
}
