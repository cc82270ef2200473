package red.sessions.vyoma.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import red.sessions.vyoma.support.Api;
import red.sessions.vyoma.support.RawHttp;
import red.sessions.vyoma.support.ServerTest;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.support.Api.assertError;
import static red.sessions.vyoma.support.Api.assertJson;

/** What the HTTP front answers before any domain is reached, always in the seed's error shape. */
@ExtendWith(VertxExtension.class)
class HttpErrorsTest extends ServerTest {

  private static String token;

  @BeforeAll
  static void aToken() {
    token = server.token("http-errors-user");
  }

  @Test
  void unknownRouteIs404WithOrWithoutAToken() {
    assertEquals("not_found", assertError(api.get("/no/such/thing", token), 404).getString("error"));
    assertError(api.get("/no/such/thing", null), 404);
  }

  @Test
  void wrongMethodIs405() {
    JsonObject error = assertError(api.send(HttpMethod.DELETE, "/profiles", token, null), 405);
    assertEquals("method_not_allowed", error.getString("error"));
  }

  @Test
  void malformedJsonIs400() {
    HttpResponse<Buffer> response = api.sendRaw(HttpMethod.POST, "/profiles", token, "application/json",
      Buffer.buffer("{\"user_id\": "));
    assertEquals("bad_request", assertError(response, 400).getString("error"));
  }

  @Test
  void aJsonBodyThatIsNotAnObjectIs400() {
    assertError(api.sendRaw(HttpMethod.POST, "/profiles", token, "application/json", Buffer.buffer("[1, 2]")), 400);
  }

  @Test
  void nonJsonContentTypeIs415() {
    HttpResponse<Buffer> response = api.sendRaw(HttpMethod.POST, "/profiles", token, "text/plain", Buffer.buffer("{}"));
    assertEquals("unsupported_media_type", assertError(response, 415).getString("error"));
  }

  @Test
  void jsonWithCharsetIsAccepted() {
    HttpResponse<Buffer> response = api.sendRaw(HttpMethod.POST, "/profiles", token, "application/json; charset=utf-8",
      Buffer.buffer("{}"));
    assertError(response, 400);
  }

  @Test
  void bodyOverTheLimitIs413() {
    Buffer large = Buffer.buffer("{\"bio\": \"" + "x".repeat(70_000) + "\"}");
    HttpResponse<Buffer> response = api.sendRaw(HttpMethod.POST, "/profiles", token, "application/json", large);
    assertEquals("request_entity_too_large", assertError(response, 413).getString("error"));
  }

  /**
   * A client that writes a whole 50 MiB body before reading sees the 413 (and the connection then
   * closes, as the answer says), rather than blocking on a server that stopped reading.
   */
  @Test
  void aClientThatWritesAWholeTooLargeBodyBeforeReadingGetsThe413() {
    long fiftyMiB = 50L * 1024 * 1024;
    String url = "http://127.0.0.1:" + server.config().http().getInteger("port") + "/profiles";
    Duration within = Duration.ofSeconds(10);
    try (RawHttp http = RawHttp.connect(url)) {
      http.write(RawHttp.head("POST", url, Map.of("Authorization", "Bearer " + token, "Content-Type", "application/json",
        "Content-Length", String.valueOf(fiftyMiB))), fiftyMiB, (byte) ' ', within);
      HttpResponse<Buffer> refused = http.read(within);
      assertError(refused, 413);
      assertEquals("close", refused.getHeader("Connection"));
      http.assertClosedByServer(within);
    }
  }

  @Test
  void everyResponseCarriesARequestIdAndACallersIdIsKept() {
    HttpResponse<Buffer> health = api.get("/health", null);
    assertTrue(health.getHeader("X-Request-Id").length() >= 16);
    HttpResponse<Buffer> first = api.get("/health", null);
    assertNotEquals(health.getHeader("X-Request-Id"), first.getHeader("X-Request-Id"));

    HttpResponse<Buffer> traced = api.request(HttpMethod.GET, "/nowhere").putHeader("X-Request-Id", "trace-123").send().await();
    assertError(traced, 404);
    assertEquals("trace-123", traced.getHeader("X-Request-Id"));
  }

  @Test
  void healthNeedsNoToken() {
    assertEquals("UP", assertJson(api.get("/health", null), 200).getString("status"));
    JsonObject ready = assertJson(api.get("/health/ready", null), 200);
    assertEquals("UP", ready.getJsonObject("checks").getString("database"));
  }

  @Test
  void theOpenApiFileIsServedWithoutAToken() {
    HttpResponse<Buffer> response = api.get("/openapi.yaml", null);
    assertEquals(200, response.statusCode());
    assertTrue(response.bodyAsString().startsWith("openapi: 3"));
    assertTrue(response.bodyAsString().contains("/profiles:"));
  }

  @Test
  void requestsAreCheckedAgainstTheOpenApiFileBeforeAnyDomain() {
    JsonObject body = new JsonObject().put("student_id", 42).put("teacher_id", "t")
      .put("start_time", "2030-01-07T10:00:00Z").put("end_time", "2030-01-07T11:00:00Z");
    JsonObject wrongType = assertError(api.post("/bookings", token, body), 400);
    assertTrue(wrongType.getString("message").contains("request body is invalid"), wrongType::encode);
    assertTrue(wrongType.getString("message").contains("student_id"), wrongType::encode);

    JsonObject badQuery = assertError(api.get("/availability?limit=many", token), 400);
    assertTrue(badQuery.getString("message").contains("limit"), badQuery::encode);
  }
}
