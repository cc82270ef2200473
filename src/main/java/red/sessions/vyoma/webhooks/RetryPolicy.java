package red.sessions.vyoma.webhooks;

import io.vertx.core.json.JsonObject;

/**
 * When a failed delivery is tried again: {@code webhooks.retry_base_seconds} after the first attempt, then
 * twice as long after each next one, at most {@link #LONGEST_GAP_MS} apart, each gap spread by a random
 * ±25 % so that receivers coming back from an outage are not hit by every retry at once; for
 * {@code webhooks.retry_for_hours} after the event (or its redelivery), after which it has failed.
 */
record RetryPolicy(long baseMs, long forMs) {

  static final long LONGEST_GAP_MS = 6 * 3600 * 1000L;

  static RetryPolicy of(JsonObject webhooks) {
    return new RetryPolicy(webhooks.getLong("retry_base_seconds") * 1000, webhooks.getLong("retry_for_hours") * 3600 * 1000);
  }

  /**
   * @param attempts how many attempts have been made
   * @param random   a number in [0, 1) that picks the jitter
   */
  long gapMs(int attempts, double random) {
    long gap = baseMs;
    for (int i = 1; i < attempts && gap < LONGEST_GAP_MS; i++) {
      gap *= 2;
    }
    return Math.round(Math.min(gap, LONGEST_GAP_MS) * (0.75 + random / 2));
  }
}
