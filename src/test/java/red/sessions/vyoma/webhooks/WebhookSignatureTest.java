package red.sessions.vyoma.webhooks;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import red.sessions.vyoma.platform.RetryPolicy;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The signature header, the gaps between retries, and the settings they come from. */
class WebhookSignatureTest {

  @Test
  void theHeaderIsTheTimeAndAnHmacOfTimeDotBodyPerSecret() {
    // HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog"), the well-known test vector.
    assertEquals("f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8",
      WebhookSignature.hmac("key", "The quick brown fox jumps over the lazy dog"));
    String body = "{\"id\":\"e\"}";
    assertEquals("t=1700000000,v1=" + WebhookSignature.hmac("a", "1700000000." + body),
      WebhookSignature.header(1700000000, body, List.of("a")));
    assertEquals("t=5,v1=" + WebhookSignature.hmac("a", "5." + body) + ",v1=" + WebhookSignature.hmac("b", "5." + body),
      WebhookSignature.header(5, body, List.of("a", "b")));
  }

  @Test
  void secretsAreRandomAndSayWhatTheyAre() {
    String one = WebhookSignature.newSecret();
    assertTrue(one.matches("whsec_[A-Za-z0-9_-]{43}"), one);
    assertNotEquals(one, WebhookSignature.newSecret());
  }

  @Test
  void retryGapsDoubleFromTheBaseUpToSixHoursWithAQuarterOfJitter() {
    RetryPolicy retries = new RetryPolicy(30_000, 72 * 3_600_000L);
    assertEquals(30_000, retries.gapMs(1, 0.5));
    assertEquals(60_000, retries.gapMs(2, 0.5));
    assertEquals(240_000, retries.gapMs(4, 0.5));
    assertEquals(22_500, retries.gapMs(1, 0));
    assertEquals(37_500, retries.gapMs(1, 1));
    assertEquals(RetryPolicy.LONGEST_GAP_MS, retries.gapMs(12, 0.5));
    assertEquals(RetryPolicy.LONGEST_GAP_MS, retries.gapMs(1000, 0.5));
  }

  @Test
  void aRetryOrTimeoutThatIsNotPositiveIsRefusedAtStart() {
    JsonObject valid = new JsonObject().put("allow_private_targets", false).put("retry_base_seconds", 30)
      .put("retry_for_hours", 72).put("timeout_seconds", 10);
    new WebhookDispatcher(null, valid);
    for (String key : List.of("retry_base_seconds", "retry_for_hours", "timeout_seconds")) {
      IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> new WebhookDispatcher(null, valid.copy().put(key, 0)));
      assertEquals("webhooks." + key + " must be positive", refused.getMessage());
    }
  }
}
