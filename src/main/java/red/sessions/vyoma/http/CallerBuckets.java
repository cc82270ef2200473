package red.sessions.vyoma.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.DelayParameters;
import io.github.bucket4j.distributed.proxy.optimization.Optimization;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.IntSupplier;

/**
 * One Bucket4j token bucket per caller (a user id, a client address): {@code burst} tokens, refilled
 * continuously at {@code perMinute}, one taken per request. Unclustered, the buckets are the node's own and a
 * token is taken on the calling thread without a lock. Clustered, they live in a Hazelcast map, so a caller
 * has one bucket whichever node a request reaches.
 * <p>
 * Clustered, a node does not ask the cluster on every request: it takes tokens from what it last heard of
 * the bucket, and tells the cluster what it took, and hears the bucket again, once it has taken its share of
 * the burst or a second has passed (Bucket4j's delaying optimization; concurrent requests for one bucket also
 * share one round trip). Each node can so overspend a bucket by its unsynchronised share at most, and the
 * shares of all the nodes add up to {@link #UNSYNCHRONISED_SHARE} of the burst: the limit holds cluster-wide
 * within that. A burst too small for a share of one token on each node is asked of the cluster every time.
 * <p>
 * Memory is bounded: a node keeps at most {@code maxCallers} buckets (or handles of the cluster's buckets),
 * dropping the least used first (Caffeine's admission keeps the busy callers over a flood of new ones), and
 * drops a bucket not used for as long as it takes to fill up again, when it is the same as a new one. The
 * cluster map's entries expire at that moment too.
 */
final class CallerBuckets {

  /** The part of a burst that all the nodes together may take without the cluster knowing yet. */
  static final double UNSYNCHRONISED_SHARE = 0.05;
  /** How long a node answers from what it last heard of a bucket, at most. */
  private static final Duration UNSYNCHRONISED_FOR = Duration.ofSeconds(1);

  /** A caller's bucket: the answer to one request. */
  @FunctionalInterface
  private interface CallerBucket {
    CompletableFuture<ConsumptionProbe> takeOne();
  }

  private final long burst;
  private final Cache<String, CallerBucket> buckets;
  private final Function<String, CallerBucket> newBucket;

  private CallerBuckets(long burst, long perMinute, int maxCallers, Function<String, CallerBucket> newBucket) {
    this.burst = burst;
    this.newBucket = newBucket;
    this.buckets = Caffeine.newBuilder()
      .maximumSize(maxCallers)
      .expireAfterAccess(Duration.ofNanos(Math.max(1, Duration.ofMinutes(1).multipliedBy(burst).toNanos() / perMinute)))
      .build();
  }

  /** The node's own buckets. */
  static CallerBuckets local(long burst, long perMinute, int maxCallers) {
    Bandwidth limit = limit(burst, perMinute, maxCallers);
    return new CallerBuckets(burst, perMinute, maxCallers, caller -> {
      Bucket bucket = Bucket.builder().addLimit(limit).build();
      return () -> CompletableFuture.completedFuture(bucket.tryConsumeAndReturnRemaining(1));
    });
  }

  /**
   * The cluster's buckets, in {@code store}.
   *
   * @param members how many nodes the cluster has now: a bucket's share is set when this node first meets the caller
   */
  static CallerBuckets clustered(long burst, long perMinute, int maxCallers, AsyncProxyManager<String> store,
                                 IntSupplier members) {
    BucketConfiguration configuration = BucketConfiguration.builder().addLimit(limit(burst, perMinute, maxCallers)).build();
    return new CallerBuckets(burst, perMinute, maxCallers, caller -> {
      AsyncBucketProxy bucket = store.builder()
        .withOptimization(optimization(burst, members.getAsInt()))
        .build(caller, configuration);
      return () -> bucket.tryConsumeAndReturnRemaining(1);
    });
  }

  private static Bandwidth limit(long burst, long perMinute, int maxCallers) {
    if (burst < 1 || perMinute < 1 || maxCallers < 1) {
      throw new IllegalArgumentException("rate limits need a burst, a rate per minute and a number of callers of 1 or more");
    }
    return Bandwidth.builder().capacity(burst).refillGreedy(perMinute, Duration.ofMinutes(1)).build();
  }

  private static Optimization optimization(long burst, int members) {
    long share = (long) (burst * UNSYNCHRONISED_SHARE / Math.max(1, members));
    if (share < 1) {
      return Optimizations.batching();
    }
    return Optimizations.delaying(new DelayParameters(share, UNSYNCHRONISED_FOR));
  }

  /** Takes a token from the caller's bucket, when it has one; the probe says what the rate-limit headers say. */
  CompletableFuture<ConsumptionProbe> take(String caller) {
    return buckets.get(caller, newBucket).takeOne();
  }

  /** The size of every bucket: {@code RateLimit-Limit}. */
  long burst() {
    return burst;
  }
}
