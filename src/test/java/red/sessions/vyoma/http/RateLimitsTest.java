package red.sessions.vyoma.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.Test;
import red.sessions.vyoma.support.Scrape;
import red.sessions.vyoma.support.Seed;
import red.sessions.vyoma.support.ServerTest;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.support.Api.assertError;
import static red.sessions.vyoma.support.Api.assertJson;
import static red.sessions.vyoma.support.Seed.bookingBody;
import static red.sessions.vyoma.support.Seed.hoursAhead;

/**
 * Per-caller rate limits against a server with small buckets that refill one token a minute, so a test
 * empties a bucket in a few requests and nothing refills it meanwhile. Each test uses fresh users, and
 * its own loopback address (127.0.0.x) where the address's bucket matters.
 */
class RateLimitsTest extends ServerTest {

  private static final int USER_BURST = 8;
  private static final int WRITE_BURST = 2;
  private static final int ADDRESS_BURST = 3;
  private static final String LIMITED = "vyoma_rate_limited_total";

  @Override
  protected Map<String, String> settings() {
    return Map.of(
      "VYOMA_RATE_LIMITS_USER_BURST", String.valueOf(USER_BURST),
      "VYOMA_RATE_LIMITS_USER_PER_MINUTE", "1",
      "VYOMA_RATE_LIMITS_WRITE_BURST", String.valueOf(WRITE_BURST),
      "VYOMA_RATE_LIMITS_WRITE_PER_MINUTE", "1",
      "VYOMA_RATE_LIMITS_ADDRESS_BURST", String.valueOf(ADDRESS_BURST),
      "VYOMA_RATE_LIMITS_ADDRESS_PER_MINUTE", "1");
  }

  /** The 429 in the error shape, with the headers a client backs off by; the body. */
  private static JsonObject assertLimited(HttpResponse<Buffer> response, int limit) {
    JsonObject error = assertError(response, 429);
    assertEquals("too_many_requests", error.getString("error"));
    long retryAfter = Long.parseLong(response.getHeader("Retry-After"));
    // One token a minute: the next comes within the minute.
    assertTrue(retryAfter >= 1 && retryAfter <= 60, () -> "Retry-After: " + retryAfter);
    assertEquals(String.valueOf(limit), response.getHeader("RateLimit-Limit"));
    assertEquals("0", response.getHeader("RateLimit-Remaining"));
    long reset = Long.parseLong(response.getHeader("RateLimit-Reset"));
    assertTrue(reset >= retryAfter && reset <= 60L * limit, () -> "RateLimit-Reset: " + reset);
    return error;
  }

  private static double limited(String bucket) {
    return new Scrape(api.get("/metrics", null).bodyAsString()).valueOrZero(LIMITED, Map.of("bucket", bucket));
  }

  /** A client whose connections come from the given loopback address, as another machine's would. */
  private static WebClient clientFrom(String address) {
    return WebClient.create(server.vertx(), new WebClientOptions().setLocalAddress(address)
      .setDefaultHost("127.0.0.1").setDefaultPort(server.config().http().getInteger("port")).setIdleTimeout(30));
  }

  @Test
  void aUserOverTheLimitGets429WithTheHeadersAndAnotherUserIsNotAffected() {
    String user = seed.student();
    String token = server.token(user);
    double before = limited("user");
    // The profile made by the seed took the first token.
    for (int i = 1; i < USER_BURST; i++) {
      assertJson(api.get("/profiles?user_id=" + user, token), 200);
    }
    HttpResponse<Buffer> refused = api.get("/profiles?user_id=" + user, token);
    assertLimited(refused, USER_BURST);
    assertNull(refused.getHeader("Connection"), "a refused request without a body keeps its connection");
    assertLimited(api.get("/availability", token), USER_BURST);
    assertEquals(before + 2, limited("user"), "each refusal is counted");

    String another = seed.student();
    assertJson(api.get("/profiles?user_id=" + user, server.token(another)), 200);
  }

  @Test
  void theWriteBucketIsStricterAndARefusedWriteChangesNothing() {
    String teacher = seed.teacher("Rate limits");
    seed.slot(teacher, hoursAhead(1), hoursAhead(9));
    String student = seed.student();
    String token = server.token(student);
    double before = limited("write");
    for (int i = 0; i < WRITE_BURST; i++) {
      assertJson(api.post("/bookings", token, bookingBody(student, teacher, hoursAhead(2 + i), hoursAhead(3 + i))), 201);
    }
    HttpResponse<Buffer> refused = api.post("/bookings", token,
      bookingBody(student, teacher, hoursAhead(5), hoursAhead(6)));
    assertLimited(refused, WRITE_BURST);
    assertLimited(api.post("/presigned-url", token,
      new JsonObject().put("file_name", "notes.pdf").put("content_type", "application/pdf")), WRITE_BURST);
    assertEquals(before + 2, limited("write"));

    // The user's own bucket still has tokens: reads go on, and show the refused booking was never made.
    HttpResponse<Buffer> bookings = api.get("/bookings?student_id=" + student, token);
    assertEquals(200, bookings.statusCode(), bookings::bodyAsString);
    assertEquals(WRITE_BURST, bookings.bodyAsJsonArray().size(), bookings::bodyAsString);
  }

  @Test
  void adminsAreNotLimited() {
    String admin = server.adminToken("rate-limit-admin");
    String user = seed.student();
    for (int i = 0; i < USER_BURST * 3; i++) {
      assertJson(api.get("/profiles?user_id=" + user, admin), 200);
    }
  }

  @Test
  void failedAuthenticationsAndOpenRoutesAreLimitedByClientAddress() {
    WebClient from2 = clientFrom("127.0.0.2");
    WebClient from3 = clientFrom("127.0.0.3");
    try {
      double before = limited("address");
      for (int i = 0; i < ADDRESS_BURST; i++) {
        assertError(from2.get("/bookings").bearerTokenAuthentication("not-a-token").send().await(), 401);
      }
      assertLimited(from2.get("/bookings").bearerTokenAuthentication("not-a-token").send().await(), ADDRESS_BURST);
      assertLimited(from2.get("/bookings").send().await(), ADDRESS_BURST);
      assertLimited(from2.get("/openapi.yaml").send().await(), ADDRESS_BURST);
      assertEquals(before + 3, limited("address"));

      // A valid token from that address counts against its user, and health and metrics are never limited.
      String user = seed.student();
      assertJson(from2.get("/profiles?user_id=" + user).bearerTokenAuthentication(server.token(user)).send().await(), 200);
      assertEquals(200, from2.get("/health").send().await().statusCode());
      assertEquals(200, from2.get("/metrics").send().await().statusCode());
      // Another address has its own bucket.
      assertEquals(200, from3.get("/openapi.yaml").send().await().statusCode());
      assertError(from3.get("/bookings").send().await(), 401);
    } finally {
      from2.close();
      from3.close();
    }
  }

  @Test
  void uploadsAreLimitedByClientAddressAndTheRefusalArrivesWhileTheBodyIsStillComing() {
    WebClient from4 = clientFrom("127.0.0.4");
    try {
      String url = "/files/uploads/someone/x/notes.pdf?expires=1&signature=" + "0".repeat(64);
      for (int i = 0; i < ADDRESS_BURST; i++) {
        assertError(from4.request(HttpMethod.PUT, url).putHeader("Content-Type", "application/pdf")
          .sendBuffer(Buffer.buffer()).await(), 403);
      }
      HttpResponse<Buffer> refused = from4.request(HttpMethod.PUT, url).putHeader("Content-Type", "application/pdf")
        .sendBuffer(Buffer.buffer(new byte[512 * 1024])).await();
      assertLimited(refused, ADDRESS_BURST);
      assertEquals("close", refused.getHeader("Connection"), "the unread body is not waited for");
    } finally {
      from4.close();
    }
  }
}
