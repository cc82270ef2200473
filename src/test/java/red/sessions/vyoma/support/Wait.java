package red.sessions.vyoma.support;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * How tests wait, in one place: for a while, until a moment, or until what they read holds. What is
 * waited for and how long are the caller's; an interrupt ends the test.
 */
public final class Wait {

  private Wait() {
  }

  public static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting", e);
    }
  }

  public static void sleep(Duration duration) {
    sleep(duration.toMillis());
  }

  /**
   * Sleeps until the moment has passed; returns at once if it has. Never returns before it: a sleep of the
   * whole milliseconds left would wake up to a millisecond early, and a clock read in that last
   * millisecond (a token's expiry, a window's edge) would still see the moment ahead.
   */
  public static void until(Instant moment) {
    for (Duration left = Duration.between(Instant.now(), moment); left.compareTo(Duration.ZERO) >= 0;
         left = Duration.between(Instant.now(), moment)) {
      sleep(left.toMillis() + 1);
    }
  }

  /**
   * Reads, every {@code every}, until {@code done} holds of what was read or {@code within} has passed, and
   * returns the last read: for waits whose caller's own assertions then say what came.
   */
  public static <T> T poll(Duration within, Duration every, Supplier<T> read, Predicate<T> done) {
    Instant deadline = Instant.now().plus(within);
    T last = read.get();
    while (!done.test(last) && Instant.now().isBefore(deadline)) {
      sleep(every);
      last = read.get();
    }
    return last;
  }

  /** Like {@link #poll}, but a wait that runs out fails the test with {@code failure} of the last read. */
  public static <T> T eventually(Duration within, Duration every, Supplier<T> read, Predicate<T> done,
                                 Function<T, String> failure) {
    T last = poll(within, every, read, done);
    if (!done.test(last)) {
      throw new AssertionError(failure.apply(last));
    }
    return last;
  }

  /** Checks, every {@code every}, until the condition holds; fails the test with {@code failure} after {@code within}. */
  public static void eventually(Duration within, Duration every, BooleanSupplier condition, Supplier<String> failure) {
    eventually(within, every, condition::getAsBoolean, Boolean::booleanValue, notYet -> failure.get());
  }
}
