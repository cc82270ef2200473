package red.sessions.vyoma.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.platform.Metrics;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The event streams one node holds open, shared by all its HTTP verticles: at most
 * {@code events.stream_max_per_user} per user and {@code events.stream_max_per_node} in all. Each open stream
 * holds a connection, memory and a share of every read of its user's events, so a client that opens more is
 * refused before it costs anything. Counted per node, not across the cluster: a cluster-wide count would cost
 * a round trip at every open and close, and a node that died would leave its counts behind; a user may so
 * hold the per-user number on each node. A count goes down when its stream ends, however it ends.
 * Exported as {@code vyoma_events_streams_open} and {@code vyoma_events_streams_refused_total{limit}}.
 */
public final class StreamSlots {

  private final int perUser;
  private final int perNode;
  private final AtomicInteger open = new AtomicInteger();
  /** Open streams by user; a user without any has no entry, so the map never outgrows the node's streams. */
  private final Map<String, Integer> byUser = new ConcurrentHashMap<>();
  private final Counter refusedForUser;
  private final Counter refusedForNode;

  private StreamSlots(int perUser, int perNode, MeterRegistry meters) {
    this.perUser = perUser;
    this.perNode = perNode;
    Gauge.builder("vyoma.events.streams.open", open, AtomicInteger::get)
      .description("Event streams (GET /events/stream) this node holds open")
      .register(meters);
    this.refusedForUser = refused("user", meters);
    this.refusedForNode = refused("node", meters);
  }

  private static Counter refused(String limit, MeterRegistry meters) {
    return Counter.builder("vyoma.events.streams.refused")
      .description("Event streams refused with 429: limit=user (events.stream_max_per_user), node (events.stream_max_per_node)")
      .tag("limit", limit)
      .register(meters);
  }

  /** The node's slots, from the {@code events} section; one instance serves every HTTP verticle. */
  public static StreamSlots create(Vertx vertx, JsonObject events) {
    return new StreamSlots(positive(events, "stream_max_per_user"), positive(events, "stream_max_per_node"),
      Metrics.registry(vertx));
  }

  private static int positive(JsonObject events, String key) {
    int value = events.getInteger(key);
    if (value <= 0) {
      throw new IllegalArgumentException("events." + key + " must be positive, not " + value);
    }
    return value;
  }

  /** Takes a slot for a stream of the user; otherwise says which limit it would break. */
  public Optional<String> take(String userId) {
    if (open.incrementAndGet() > perNode) {
      open.decrementAndGet();
      refusedForNode.increment();
      return Optional.of("this node holds its most event streams (" + perNode + "); try again later or on another node");
    }
    boolean[] taken = {false};
    byUser.compute(userId, (user, count) -> {
      int current = count == null ? 0 : count;
      if (current >= perUser) {
        return count;
      }
      taken[0] = true;
      return current + 1;
    });
    if (!taken[0]) {
      open.decrementAndGet();
      refusedForUser.increment();
      return Optional.of("you hold the most event streams a user may (" + perUser + "); close one first");
    }
    return Optional.empty();
  }

  /** Gives back the slot of a stream of the user that ended. */
  public void release(String userId) {
    byUser.computeIfPresent(userId, (user, count) -> count > 1 ? count - 1 : null);
    open.decrementAndGet();
  }
}
