package red.sessions.vyoma.http;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Token buckets on a clock the test moves: burst, refill, the numbers of the headers, and bounded memory. */
class TokenBucketsTest {

  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  private final AtomicLong now = new AtomicLong(1_000 * SECOND);

  /** {@code burst} tokens, one more every second. */
  private TokenBuckets buckets(long burst, int maxCallers) {
    return new TokenBuckets(burst, 60, maxCallers, now::get);
  }

  @Test
  void aCallerHasTheBurstThenWaitsForTheNextToken() {
    TokenBuckets buckets = buckets(3, 100);
    for (long remaining = 2; remaining >= 0; remaining--) {
      TokenBuckets.Admission admitted = buckets.take("alice");
      assertTrue(admitted.admitted());
      assertEquals(3, admitted.limit());
      assertEquals(remaining, admitted.remaining());
      assertEquals((3 - remaining) * SECOND, admitted.resetNanos(), "full again once the tokens taken are back");
    }
    TokenBuckets.Admission refused = buckets.take("alice");
    assertFalse(refused.admitted());
    assertEquals(0, refused.remaining());
    assertEquals(SECOND, refused.retryAfterNanos());
    assertEquals(3 * SECOND, refused.resetNanos());

    now.addAndGet(SECOND / 2);
    TokenBuckets.Admission stillRefused = buckets.take("alice");
    assertFalse(stillRefused.admitted(), "a refused request takes nothing and gives nothing");
    assertEquals(SECOND / 2, stillRefused.retryAfterNanos());

    now.addAndGet(SECOND / 2);
    assertTrue(buckets.take("alice").admitted());
    assertFalse(buckets.take("alice").admitted());
  }

  @Test
  void aBucketRefillsToItsBurstAndNoFurther() {
    TokenBuckets buckets = buckets(2, 100);
    buckets.take("alice");
    buckets.take("alice");
    now.addAndGet(3600 * SECOND);
    assertEquals(1, buckets.take("alice").remaining());
    assertEquals(0, buckets.take("alice").remaining());
    assertFalse(buckets.take("alice").admitted());
  }

  @Test
  void callersHaveBucketsOfTheirOwn() {
    TokenBuckets buckets = buckets(1, 100);
    assertTrue(buckets.take("alice").admitted());
    assertFalse(buckets.take("alice").admitted());
    assertTrue(buckets.take("bob").admitted());
  }

  @Test
  void theBucketsOfIdleCallersAreDroppedOnceTheSweepIsDue() {
    long start = now.get();
    TokenBuckets buckets = buckets(2, 100);
    buckets.take("alice"); // full again at start + 1 s; this first take swept the empty table
    now.set(start + 9 * SECOND);
    buckets.take("bob"); // full again at start + 10 s, exactly when the next sweep is due
    now.set(start + TokenBuckets.SWEEP_EVERY_NANOS - 1);
    buckets.take("carol");
    assertEquals(3, buckets.size(), "no sweep before it is due");

    now.set(start + TokenBuckets.SWEEP_EVERY_NANOS);
    buckets.take("dave");
    assertEquals(2, buckets.size(), "alice's and bob's buckets, full again, are dropped; carol's is not yet full");

    now.set(start + TokenBuckets.SWEEP_EVERY_NANOS + 2 * SECOND);
    buckets.take("erin");
    assertEquals(3, buckets.size(), "the next sweep is due a whole interval after the last");
    now.set(start + 2 * TokenBuckets.SWEEP_EVERY_NANOS);
    buckets.take("frank");
    assertEquals(1, buckets.size());

    assertEquals(1, buckets.take("bob").remaining(), "a dropped bucket was full: nothing is forgotten");
  }

  @Test
  void theSmallestLimitsWork() {
    TokenBuckets buckets = new TokenBuckets(1, 1, 1, now::get);
    assertTrue(buckets.take("alice").admitted());
    TokenBuckets.Admission refused = buckets.take("alice");
    assertFalse(refused.admitted());
    assertEquals(60 * SECOND, refused.retryAfterNanos(), "one token a minute");
  }

  @Test
  void callersBeyondTheTableShareOneBucket() {
    TokenBuckets buckets = buckets(2, 2);
    buckets.take("alice");
    buckets.take("bob");
    assertTrue(buckets.take("mallory-1").admitted());
    assertTrue(buckets.take("mallory-2").admitted());
    assertFalse(buckets.take("mallory-3").admitted(), "the overflow bucket is one caller's");
    assertEquals(2, buckets.size());
    assertTrue(buckets.take("alice").admitted(), "callers with a bucket keep theirs");
  }

  @Test
  void concurrentTakesNeverGiveMoreThanTheBurst() throws InterruptedException {
    TokenBuckets buckets = buckets(1000, 100);
    AtomicInteger admitted = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      Thread thread = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        for (int i = 0; i < 500; i++) {
          if (buckets.take("alice").admitted()) {
            admitted.incrementAndGet();
          }
        }
      });
      thread.start();
      threads.add(thread);
    }
    start.countDown();
    for (Thread thread : threads) {
      thread.join();
    }
    assertEquals(1000, admitted.get());
  }

  @Test
  void limitsBelowOneAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new TokenBuckets(0, 60, 10, now::get));
    assertThrows(IllegalArgumentException.class, () -> new TokenBuckets(1, 0, 10, now::get));
    assertThrows(IllegalArgumentException.class, () -> new TokenBuckets(1, 60, 0, now::get));
  }
}
