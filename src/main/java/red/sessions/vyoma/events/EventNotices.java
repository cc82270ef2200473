package red.sessions.vyoma.events;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Wakes this node's readers of the outbox (the live feeds, the webhooks' and the emails' followers) when events
 * commit on any node: every {@code events.notice_poll_ms} it looks at what the outbox gained since it last looked, in
 * the readers' own order ({@link EventStore#usersAfter}), and publishes on this node's event bus at {@link #ADDRESS}
 * {@code {"users": [...]}}, the users those events name. When they name more than {@link #MOST_USERS}, or more events
 * came than one look takes, and once when the node starts, the notice is for everyone ({@code {"everyone": true}}).
 * A notice only says where to look: readers read the outbox itself, from their own cursors, so nothing is missed
 * when a notice is.
 *
 * <p>Not PostgreSQL's {@code NOTIFY}: a transaction that notifies takes the database's notify lock at its commit and
 * holds it through the commit's write to disk, so the commits of every node's bookings went one after another, each
 * with its parties' rows still locked; the whole cluster committed no faster than the disk flushed one commit at a
 * time.
 */
public final class EventNotices extends VerticleBase {

  public static final String ADDRESS = "vyoma.events.notices";
  /** The most events one look takes; past them, everyone is woken and the look starts again from now. */
  static final int MOST_EVENTS = 500;
  /** The most users one notice names; past them, everyone is woken. */
  static final int MOST_USERS = 200;
  private static final Logger LOG = LoggerFactory.getLogger(EventNotices.class);
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final EventStore store;
  private final long pollMs;
  private EventCursor cursor;
  private long timer = -1;
  private boolean stopped;
  private boolean failing;

  public EventNotices(Pool pool, JsonObject eventsConfig) {
    this.store = new EventStore(pool);
    this.pollMs = eventsConfig.getLong("notice_poll_ms");
    if (pollMs <= 0) {
      throw new IllegalArgumentException("events.notice_poll_ms must be positive");
    }
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
    return store.now().onSuccess(now -> {
      cursor = now;
      wakeEveryone();
      lookLater();
    });
  }

  /** One look: the users of the events committed after the cursor, or everyone when they are too many. */
  private void look() {
    store.usersAfter(cursor, MOST_EVENTS)
      .compose(gained -> {
        if (gained.more()) {
          return store.now().map(now -> {
            cursor = now;
            wakeEveryone();
            return null;
          });
        }
        cursor = gained.next();
        if (gained.users().size() > MOST_USERS) {
          wakeEveryone();
        } else if (!gained.users().isEmpty()) {
          JsonObject notice = new JsonObject().put("users", new JsonArray(List.copyOf(gained.users())));
          vertx.eventBus().publish(ADDRESS, notice, LOCAL);
        }
        return Future.succeededFuture();
      })
      .onComplete(looked -> {
        if (looked.failed() && !failing) {
          LOG.warn("Could not look for new events (trying again every {} ms): {}", pollMs, looked.cause().toString());
        } else if (looked.succeeded() && failing) {
          LOG.info("Looking for new events again");
        }
        failing = looked.failed();
        lookLater();
      });
  }

  private void wakeEveryone() {
    vertx.eventBus().publish(ADDRESS, new JsonObject().put("everyone", true), LOCAL);
  }

  private void lookLater() {
    if (!stopped) {
      timer = vertx.setTimer(pollMs, id -> look());
    }
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  /** The users named by the final events after a cursor, the cursor after them, and whether more were there. */
  record Gained(Set<String> users, EventCursor next, boolean more) {
  }
}
