package red.sessions.vyoma.platform;

import com.hazelcast.map.IMap;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Maps of text that every node reads, for lookups read far more often than written: Hazelcast maps when
 * clustered (near-cached, {@code conf/cluster.xml}), Vert.x's in-memory async maps on a single node.
 * Values are strings, so that a cached value is never shared mutably and needs no serialiser of ours.
 *
 * <p>Clustered, a read goes to Hazelcast itself rather than through Vert.x's async map, whose every answer,
 * a near-cache hit included, is a callback run by Hazelcast's executor and then handed back to the
 * caller's context: two thread hops per read. A hit here is answered on the calling thread; only a miss
 * waits for the member that owns the key.
 */
public interface SharedLookups {

  /** The value, or {@code null}. */
  Future<String> get(String key);

  /** Writes the value, which expires {@code ttl} after this write. */
  Future<Void> put(String key, String value, Duration ttl);

  Future<Void> remove(String key);

  /** The node's lookups map of this name: the cluster's when clustered ({@code cluster} not null). */
  static Future<SharedLookups> open(Vertx vertx, Cluster cluster, String name) {
    if (cluster != null) {
      return Future.succeededFuture(new Clustered(vertx, cluster.hazelcast().getMap(name)));
    }
    return vertx.sharedData().<String, String>getLocalAsyncMap(name).map(Local::new);
  }

  /** A Hazelcast map, its near cache read on the calling thread. */
  final class Clustered implements SharedLookups {

    private final Vertx vertx;
    private final IMap<String, String> map;

    private Clustered(Vertx vertx, IMap<String, String> map) {
      this.vertx = vertx;
      this.map = map;
    }

    @Override
    public Future<String> get(String key) {
      CompletableFuture<String> read = map.getAsync(key).toCompletableFuture();
      if (read.isDone() && !read.isCompletedExceptionally()) {
        return Future.succeededFuture(read.join());
      }
      return answer(read);
    }

    @Override
    public Future<Void> put(String key, String value, Duration ttl) {
      return answer(map.setAsync(key, value, ttl.toMillis(), TimeUnit.MILLISECONDS));
    }

    @Override
    public Future<Void> remove(String key) {
      return answer(map.removeAsync(key)).mapEmpty();
    }

    private <T> Future<T> answer(CompletionStage<T> stage) {
      return Future.fromCompletionStage(stage, vertx.getOrCreateContext());
    }
  }

  /** Vert.x's map in this JVM's memory. */
  final class Local implements SharedLookups {

    private final AsyncMap<String, String> map;

    private Local(AsyncMap<String, String> map) {
      this.map = map;
    }

    @Override
    public Future<String> get(String key) {
      return map.get(key);
    }

    @Override
    public Future<Void> put(String key, String value, Duration ttl) {
      return map.put(key, value, ttl.toMillis());
    }

    @Override
    public Future<Void> remove(String key) {
      return map.remove(key).mapEmpty();
    }
  }
}
