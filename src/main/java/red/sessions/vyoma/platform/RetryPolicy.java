package red.sessions.vyoma.platform;

import io.vertx.core.json.JsonObject;

/**
 * When background work that failed for now (a webhook delivery, an email) is tried again: {@code retry_base_seconds}
 * of its config section after the first attempt, then twice as long after each next one, at most
 * {@link #LONGEST_GAP_MS} apart, each gap spread by a random ±25 % so that a receiver coming back from an outage
 * is not hit by every retry at once; for {@code retry_for_hours} (from when the work was due), after which it
 * has failed.
 */
public record RetryPolicy(long baseMs, long forMs) {

  public static final long LONGEST_GAP_MS = 6 * 3600 * 1000L;

  /**
   * @param section a config section with {@code retry_base_seconds} and {@code retry_for_hours}
   */
  public static RetryPolicy of(JsonObject section) {
    return new RetryPolicy(section.getLong("retry_base_seconds") * 1000, section.getLong("retry_for_hours") * 3600 * 1000);
  }

  /**
   * @param attempts how many attempts have been made
   * @param random   a number in [0, 1) that picks the jitter
   */
  public long gapMs(int attempts, double random) {
    long gap = baseMs;
    for (int i = 1; i < attempts && gap < LONGEST_GAP_MS; i++) {
      gap *= 2;
    }
    return Math.round(Math.min(gap, LONGEST_GAP_MS) * (0.75 + random / 2));
  }
}
