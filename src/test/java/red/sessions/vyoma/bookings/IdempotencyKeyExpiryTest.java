package red.sessions.vyoma.bookings;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import red.sessions.vyoma.support.Seed;
import red.sessions.vyoma.support.TestServer;
import red.sessions.vyoma.support.Wait;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.support.Api.assertError;
import static red.sessions.vyoma.support.Api.assertJson;
import static red.sessions.vyoma.support.Seed.bookingBody;
import static red.sessions.vyoma.support.Seed.hoursAhead;

/**
 * Idempotency keys last {@code bookings.idempotency_key_ttl_seconds}: an expired key is unused again, at once,
 * and the periodic cleanup deletes expired keys and only those.
 */
class IdempotencyKeyExpiryTest {

  private static final String KEY = "Idempotency-Key";

  @Test
  void anExpiredKeyIsUnusedAgainBeforeAnyCleanup() throws Exception {
    Duration ttl = Duration.ofSeconds(3);
    try (TestServer server = TestServer.start(Map.of("VYOMA_BOOKINGS_IDEMPOTENCY_KEY_TTL_SECONDS", String.valueOf(ttl.toSeconds())))) {
      assertEquals(600, server.config().bookings().getInteger("idempotency_cleanup_interval_seconds"), "no cleanup during the test");
      Seed seed = server.seed();
      String teacher = seed.teacher("Physics");
      String student = seed.student();
      seed.slot(teacher, hoursAhead(1), hoursAhead(5));
      JsonObject first = bookingBody(student, teacher, hoursAhead(1), hoursAhead(2));
      JsonObject second = bookingBody(student, teacher, hoursAhead(3), hoursAhead(4));
      Instant sent = Instant.now();
      String firstId = assertJson(book(server, student, first), 201).getString("booking_id");
      Instant made = Instant.now();

      HttpResponse<Buffer> replay = book(server, student, first);
      assertEquals(firstId, assertJson(replay, 201).getString("booking_id"));
      assertEquals("true", replay.getHeader("Idempotent-Replayed"));
      assertError(book(server, student, second), 422);
      assertTrue(Duration.between(sent, Instant.now()).compareTo(ttl) < 0, "the key was still live when it was checked");

      Wait.until(made.plus(ttl).plusMillis(200));
      HttpResponse<Buffer> afterExpiry = book(server, student, second);
      assertNotEquals(firstId, assertJson(afterExpiry, 201).getString("booking_id"));
      assertNull(afterExpiry.getHeader("Idempotent-Replayed"));
      assertEquals(1, keysOf(student), "the key was taken over, not added again");
    }
  }

  @Test
  void theCleanupDeletesExpiredKeysAndKeepsLiveOnes() throws Exception {
    try (TestServer server = TestServer.start(Map.of("VYOMA_BOOKINGS_IDEMPOTENCY_CLEANUP_INTERVAL_SECONDS", "1"))) {
      Seed seed = server.seed();
      String teacher = seed.teacher("Physics");
      String student = seed.student();
      seed.slot(teacher, hoursAhead(1), hoursAhead(5));
      assertJson(book(server, student, bookingBody(student, teacher, hoursAhead(1), hoursAhead(2))), 201);
      try (Connection db = DriverManager.getConnection(TestServer.sharedJdbcUrl());
           PreparedStatement expired = db.prepareStatement("""
             INSERT INTO booking_idempotency_keys (caller_id, key, request_hash, created_at)
             VALUES (?, 'from-yesterday', 'hash', now() - interval '25 hours')""")) {
        expired.setString(1, student);
        assertEquals(1, expired.executeUpdate());
      }

      Wait.eventually(Duration.ofSeconds(15), Duration.ofMillis(100), () -> !hasKey(student, "from-yesterday"),
        () -> "the expired key is still there 15 s later");
      assertTrue(hasKey(student, "lesson-1"), "the live key is kept");
    }
  }

  private static HttpResponse<Buffer> book(TestServer server, String student, JsonObject body) {
    return server.api().request(HttpMethod.POST, "/bookings").bearerTokenAuthentication(server.token(student))
      .putHeader(KEY, "lesson-1").sendJsonObject(body).await();
  }

  private static boolean hasKey(String caller, String key) {
    return count("SELECT count(*) FROM booking_idempotency_keys WHERE caller_id = ? AND key = ?", caller, key) == 1;
  }

  private static int keysOf(String caller) {
    return count("SELECT count(*) FROM booking_idempotency_keys WHERE caller_id = ?", caller);
  }

  private static int count(String sql, String... parameters) {
    try (Connection db = DriverManager.getConnection(TestServer.sharedJdbcUrl());
         PreparedStatement count = db.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        count.setString(i + 1, parameters[i]);
      }
      try (ResultSet rows = count.executeQuery()) {
        rows.next();
        return rows.getInt(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
