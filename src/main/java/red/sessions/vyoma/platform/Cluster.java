package red.sessions.vyoma.platform;

import com.hazelcast.config.Config;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.internal.util.ConcurrencyUtil;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.grid.hazelcast.Bucket4jHazelcast;
import io.github.bucket4j.grid.hazelcast.HazelcastProxyManager;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Consumer;

/**
 * Clustered Vert.x over Hazelcast: {@code cluster.xml} (on the classpath, or named by the
 * {@code vertx.hazelcast.config} system property) completed by the {@code cluster.*} configuration:
 * TCP-IP members, port, interface, public address, and the event bus's own host and port.
 */
public final class Cluster {

  /**
   * The first of the Hazelcast type ids of Bucket4j's serialisers (it takes a few from there); Vert.x and
   * Hazelcast use none this high.
   */
  private static final int BUCKET4J_TYPE_IDS = 10_000;

  private final HazelcastClusterManager manager;
  private final Vertx vertx;

  private Cluster(HazelcastClusterManager manager, Vertx vertx) {
    this.manager = manager;
    this.vertx = vertx;
  }

  /** Starts a clustered Vert.x that joins the members named in the configuration. */
  public static Future<Cluster> join(JsonObject config, VertxOptions options) {
    poolHazelcastCallbacks();
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcast(config));
    EventBusOptions eventBus = options.getEventBusOptions();
    setIfPresent(config.getString("eventbus_host"), eventBus::setHost);
    setIfPresent(config.getString("eventbus_public_host"), eventBus::setClusterPublicHost);
    if (config.getInteger("eventbus_port") > 0) {
      eventBus.setPort(config.getInteger("eventbus_port"));
    }
    return Vertx.builder().with(options).withClusterManager(manager).buildClustered()
      .map(vertx -> new Cluster(manager, vertx));
  }

  private static Config hazelcast(JsonObject config) {
    Config hazelcast = ConfigUtil.loadConfig();
    hazelcast.setClusterName(config.getString("name"));
    NetworkConfig network = hazelcast.getNetworkConfig();
    network.setPort(config.getInteger("port"));
    List<String> members = config.getJsonArray("members").stream().map(String::valueOf).toList();
    network.getJoin().getMulticastConfig().setEnabled(false);
    network.getJoin().getTcpIpConfig().setEnabled(true).setMembers(members);
    setIfPresent(config.getString("interface"), address -> network.getInterfaces().setEnabled(true).addInterface(address));
    setIfPresent(config.getString("public_host"), network::setPublicAddress);
    // The rate limits' commands travel to the member owning a bucket in Bucket4j's compact form, not as
    // serialised Java objects.
    HazelcastProxyManager.addCustomSerializers(hazelcast.getSerializationConfig(), BUCKET4J_TYPE_IDS);
    return hazelcast;
  }

  /**
   * Hazelcast completes its async operations (every cluster map read Vert.x makes, near-cache hits
   * included) by running their callbacks on ForkJoinPool's common pool, or, where that pool has a single
   * thread (machines of one or two CPUs), on a new thread for each callback: a thread started and ended
   * per request on a two-core VM. There Hazelcast gets a pool of two threads instead. It is an internal
   * Hazelcast setting (5.3); ClusterTest fails when such a node starts threads per request again.
   */
  private static void poolHazelcastCallbacks() {
    if (!(ConcurrencyUtil.getDefaultAsyncExecutor() instanceof ForkJoinPool)) {
      ConcurrencyUtil.setDefaultAsyncExecutor(new ForkJoinPool(2));
    }
  }

  private static void setIfPresent(String value, Consumer<String> setter) {
    if (value != null && !value.isBlank()) {
      setter.accept(value);
    }
  }

  /** The clustered Vert.x instance this node runs on. */
  public Vertx vertx() {
    return vertx;
  }

  /** This node's Hazelcast member, for maps the domains read without Vert.x's async map ({@link SharedLookups}). */
  HazelcastInstance hazelcast() {
    return manager.getHazelcastInstance();
  }

  /**
   * Bucket4j's token buckets in the cluster map of this name ({@code conf/cluster.xml} says how it is kept),
   * changed in place on the member that owns each bucket. An entry expires a second after its bucket would be
   * full again, when it is the same as none, so idle callers cost the cluster nothing (that second is there
   * because an entry written full would otherwise get no expiry at all).
   */
  public AsyncProxyManager<String> tokenBuckets(String map) {
    return Bucket4jHazelcast.<String>entryProcessorBasedBuilder(manager.getHazelcastInstance().getMap(map))
      .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(1)))
      .build()
      .asAsync();
  }

  /** How many nodes the cluster has now, as this node sees it. */
  public int members() {
    return manager.getHazelcastInstance().getCluster().getMembers().size();
  }

  /** Membership as {@code /health/ready} reports it. */
  public JsonObject status() {
    return new JsonObject()
      .put("status", manager.isActive() ? "UP" : "DOWN")
      .put("node_id", manager.getNodeId())
      .put("members", manager.getNodes().size());
  }

}
