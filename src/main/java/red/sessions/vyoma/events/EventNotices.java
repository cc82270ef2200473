package red.sessions.vyoma.events;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;

import java.util.List;
import java.util.Optional;

/**
 * Wakes this node's readers of the outbox (the live feeds, the webhook dispatcher) when any node commits
 * events: PostgreSQL's {@code LISTEN vyoma_events}, on a connection of its own, notifies every node that
 * shares the database, only once the events' transaction has committed. Each notice is published on this
 * node's event bus at {@link #ADDRESS} as {@code {"users": [...]}}, the users the event names; after the
 * connection is (re)established, a notice for everyone ({@code {"everyone": true}}), since notices sent
 * while it was down are lost. A notice only says where to look: readers read the outbox itself.
 */
public final class EventNotices extends VerticleBase {

  public static final String ADDRESS = "vyoma.events.notices";
  static final String CHANNEL = "vyoma_events";
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);
  private static final long RECONNECT_MS = 1000;

  private final PgConnectOptions connect;
  private PgSubscriber subscriber;

  public EventNotices(PgConnectOptions connect) {
    this.connect = connect;
  }

  /** The users whose events a notice concerns; empty when it may concern anyone's. */
  public static Optional<List<String>> users(JsonObject notice) {
    if (notice.getBoolean("everyone", false)) {
      return Optional.empty();
    }
    JsonArray users = notice.getJsonArray("users", new JsonArray());
    return Optional.of(users.stream().map(String::valueOf).toList());
  }

  @Override
  public Future<?> start() {
    subscriber = PgSubscriber.subscriber(vertx, connect).reconnectPolicy(retries -> RECONNECT_MS);
    subscriber.channel(CHANNEL)
      .subscribeHandler(v -> vertx.eventBus().publish(ADDRESS, new JsonObject().put("everyone", true), LOCAL))
      .handler(payload -> vertx.eventBus().publish(ADDRESS, notice(payload), LOCAL));
    return subscriber.connect();
  }

  private static JsonObject notice(String payload) {
    try {
      return new JsonObject(payload);
    } catch (RuntimeException notOurs) {
      return new JsonObject().put("everyone", true);
    }
  }

  @Override
  public Future<?> stop() {
    return subscriber.close();
  }
}
