package red.sessions.vyoma.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * One token bucket per caller (a user id, a client address): {@code burst} tokens, refilled at
 * {@code perMinute}, one taken per request. Each bucket is a single number, the time at which it will be
 * full again (the generic cell rate algorithm, which answers exactly as a continuously refilled bucket), so
 * taking a token is one compare-and-set: any event loop may take from any bucket, and none ever waits on a
 * lock.
 * <p>
 * Memory is bounded. A bucket that has filled up again is the same as no bucket, so a sweep (at most once
 * per {@link #SWEEP_EVERY_NANOS}, by the request that finds it due) drops those: a caller gone idle costs
 * nothing. And at most {@code maxCallers} buckets are kept: past that, new callers share one overflow bucket
 * until the sweep frees room, so a flood of distinct addresses or users is limited as one caller instead of
 * growing the table.
 */
final class TokenBuckets {

  /** How often, at most, buckets that filled up again are dropped. */
  static final long SWEEP_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
  /** Marks a bucket the sweep is dropping: a request that finds it takes a fresh one from the table. */
  private static final long DROPPED = Long.MIN_VALUE;

  /** A request's answer: admitted or not, and what the {@code RateLimit-*} and {@code Retry-After} headers say. */
  record Admission(boolean admitted, long limit, long remaining, long resetNanos, long retryAfterNanos) {
  }

  private final long burst;
  private final long nanosPerToken;
  private final long fullNanos;
  private final int maxCallers;
  private final LongSupplier clock;
  private final Map<String, AtomicLong> fullAt = new ConcurrentHashMap<>();
  private final AtomicLong overflow;
  private final AtomicLong nextSweep;

  /**
   * @param clock nanoseconds, as {@link System#nanoTime()}
   */
  TokenBuckets(long burst, long perMinute, int maxCallers, LongSupplier clock) {
    if (burst < 1 || perMinute < 1 || maxCallers < 1) {
      throw new IllegalArgumentException("rate limits need a burst, a rate per minute and a number of callers of 1 or more");
    }
    this.burst = burst;
    this.nanosPerToken = Math.max(1, TimeUnit.MINUTES.toNanos(1) / perMinute);
    this.fullNanos = Math.multiplyExact(burst, nanosPerToken);
    this.maxCallers = maxCallers;
    this.clock = clock;
    long now = clock.getAsLong();
    this.overflow = new AtomicLong(now);
    this.nextSweep = new AtomicLong(now);
  }

  /** Takes a token from the caller's bucket, when it has one. */
  Admission take(String caller) {
    long now = clock.getAsLong();
    sweepIfDue(now);
    while (true) {
      AtomicLong bucket = bucketOf(caller, now);
      long full = bucket.get();
      if (full == DROPPED) {
        fullAt.remove(caller, bucket);
        continue;
      }
      long untilFull = Math.max(full - now, 0);
      long afterThis = untilFull + nanosPerToken;
      if (afterThis > fullNanos) {
        return new Admission(false, burst, 0, untilFull, afterThis - fullNanos);
      }
      if (bucket.compareAndSet(full, now + afterThis)) {
        return new Admission(true, burst, (fullNanos - afterThis) / nanosPerToken, afterThis, 0);
      }
    }
  }

  /** How many callers have a bucket of their own. */
  int size() {
    return fullAt.size();
  }

  private AtomicLong bucketOf(String caller, long now) {
    AtomicLong bucket = fullAt.get(caller);
    if (bucket != null) {
      return bucket;
    }
    if (fullAt.size() >= maxCallers) {
      return overflow;
    }
    return fullAt.computeIfAbsent(caller, absent -> new AtomicLong(now));
  }

  private void sweepIfDue(long now) {
    long due = nextSweep.get();
    if (now - due < 0 || !nextSweep.compareAndSet(due, now + SWEEP_EVERY_NANOS)) {
      return;
    }
    fullAt.forEach((caller, bucket) -> {
      long full = bucket.get();
      if (full - now <= 0 && bucket.compareAndSet(full, DROPPED)) {
        fullAt.remove(caller, bucket);
      }
    });
  }
}
