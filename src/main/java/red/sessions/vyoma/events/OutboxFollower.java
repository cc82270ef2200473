package red.sessions.vyoma.events;

import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import red.sessions.vyoma.platform.Metrics;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Work that follows the outbox, done on every node, on an event loop: the shape the webhook deliveries and the
 * notifications share, so that what they queue is exactly as durable as the event (which commits with its
 * change) and nothing is queued twice or passed by.
 *
 * <p>The follower owns a cursor row (how far its fan-out has come in the outbox's commit-safe order) and a queue.
 * A fan-out step is one transaction: lock the cursor row {@code FOR UPDATE SKIP LOCKED} (one node at a time; a
 * node that does not get it carries on, and a node that dies mid-step holds nothing), read up to
 * {@link #FAN_OUT_BATCH} final events after it ({@link EventStore#readAll}), let the follower queue their work
 * and move its cursor ({@link #queue}), commit. It runs when {@link EventNotices} says events were appended, at
 * each wake-up (when the next queued piece falls due, and at least every {@code idleMs} in case a notice was
 * lost), again at once after a full step, and {@link #HELD_BACK_MS} after a step that found later events held
 * back by an older transaction. After each step the follower claims what is due ({@link #claim}), as far as
 * there is room under {@code maxInFlight}, and works it ({@link #work}); a claim is a lease, so a piece whose
 * node dies mid-work is claimed again by any node once the lease runs out. With metrics on, each node counts every
 * {@code idleMs} the pieces due and not claimed by any node ({@link #countDue}), a gauge of the backlog of the
 * whole cluster.
 *
 * @param <C> a claimed piece of work
 */
public abstract class OutboxFollower<C> extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(OutboxFollower.class);
  /** Events fanned out per step (and transaction); a full step is followed by the next at once. */
  private static final int FAN_OUT_BATCH = 200;
  /** How soon to look again for events that wait for an older transaction to end. */
  private static final long HELD_BACK_MS = 100;

  private final Pool pool;
  private final String what;
  private final String lockCursor;
  private final int maxInFlight;
  private final long idleMs;
  private final String dueGauge;
  private final AtomicLong due = new AtomicLong();
  private int inFlight;
  private boolean claiming;
  private boolean again;
  private boolean stopped;
  private long timer = -1;
  private long counting = -1;
  private boolean fanningOut;
  private boolean fanOutAgain;
  private boolean lookingAgainSoon;

  /**
   * @param what        what is queued, for the log ("webhook deliveries")
   * @param lockCursor  the follower's {@code SELECT txid::text AS txid, position FROM <its cursor row> FOR UPDATE
   *                    SKIP LOCKED}, in its own package, which owns the row
   * @param maxInFlight how many claimed pieces this node works at once
   * @param idleMs      the longest this node sleeps without looking at the outbox and the queue
   * @param dueGauge    the name of the gauge of pieces due and not claimed ({@code vyoma.webhooks.due})
   */
  protected OutboxFollower(Pool pool, String what, String lockCursor, int maxInFlight, long idleMs, String dueGauge) {
    this.pool = pool;
    this.what = what;
    this.lockCursor = lockCursor;
    this.maxInFlight = maxInFlight;
    this.idleMs = idleMs;
    this.dueGauge = dueGauge;
  }

  /**
   * Queues the work of a page of final events and moves the cursor to {@code page.next()}, on the step's
   * connection, inside its transaction (so the work and the cursor commit together). Work met again (an event
   * queued before) must be a no-op: a unique key with {@code ON CONFLICT DO NOTHING}.
   */
  protected abstract Future<?> queue(SqlConnection connection, EventPage page);

  /** Claims up to {@code max} due pieces for this node, each under a lease. */
  protected abstract Future<List<C>> claim(int max);

  /**
   * Works one claimed piece and records how it went. Its failure is the follower's to log (it knows what it may
   * show); the piece is claimed again when its lease runs out.
   */
  protected abstract Future<?> work(C claimed);

  /** How long until the next queued piece is due (0 or less: due now), or null when none is waiting. */
  protected abstract Future<Long> msUntilNextDue();

  /** How many queued pieces are due now and not claimed by any node. */
  protected abstract Future<Long> countDue();

  @Override
  public Future<?> start() {
    vertx.eventBus().localConsumer(EventNotices.ADDRESS, notice -> fanOut());
    Metrics.prometheus(vertx).ifPresent(registry -> {
      Gauge.builder(dueGauge, due, AtomicLong::get)
        .description("The " + what + " due and not yet claimed by any node, counted by this node every " + idleMs + " ms")
        .register(registry);
      countDueNow();
      counting = vertx.setPeriodic(idleMs, id -> countDueNow());
    });
    fanOut();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    vertx.cancelTimer(counting);
    return Future.succeededFuture();
  }

  /** A count that fails (the database unreachable) leaves the last one; the follower's own work logs the outage. */
  private void countDueNow() {
    countDue().onSuccess(due::set);
  }

  /**
   * What one fan-out step came to.
   *
   * @param more     whether more final events are waiting now (the step took a full page)
   * @param heldBack whether later events wait for an older transaction to end
   */
  private record FanOut(boolean more, boolean heldBack) {

    static final FanOut ELSEWHERE = new FanOut(false, false);
  }

  /** Queues the work of newly final events, then claims; one step at a time, again if asked meanwhile. */
  private void fanOut() {
    if (stopped) {
      return;
    }
    if (fanningOut) {
      fanOutAgain = true;
      return;
    }
    fanningOut = true;
    fanOutAgain = false;
    step().onComplete(step -> {
      fanningOut = false;
      if (step.failed()) {
        LOG.warn("Could not queue {} of new events (next try at the next wake-up): {}", what, step.cause().toString());
      }
      round();
      if (fanOutAgain || step.succeeded() && step.result().more()) {
        fanOut();
      } else if (step.succeeded() && step.result().heldBack()) {
        lookAgainSoon();
      }
    });
  }

  /** One step, in one transaction; nothing when another node is doing it right now. */
  private Future<FanOut> step() {
    return pool.withTransaction(connection -> connection.query(lockCursor).execute().compose(cursor -> {
      if (cursor.size() == 0) {
        return Future.succeededFuture(FanOut.ELSEWHERE);
      }
      Row from = cursor.iterator().next();
      return EventStore.readAll(connection, new EventCursor(from.getString("txid"), from.getLong("position")), FAN_OUT_BATCH)
        .compose(page -> (page.events().isEmpty() ? Future.succeededFuture() : queue(connection, page))
          .map(done -> new FanOut(page.more(), page.heldBack())));
    }));
  }

  private void lookAgainSoon() {
    if (!lookingAgainSoon && !stopped) {
      lookingAgainSoon = true;
      vertx.setTimer(HELD_BACK_MS, id -> {
        lookingAgainSoon = false;
        fanOut();
      });
    }
  }

  /** Claims what is due, as far as there is room, and works it; one claim at a time. */
  private void round() {
    int room = maxInFlight - inFlight;
    if (stopped || claiming || room == 0) {
      again = true;
      return;
    }
    again = false;
    claiming = true;
    claim(room).onComplete(claimed -> {
      claiming = false;
      if (claimed.failed()) {
        LOG.warn("Could not claim {} (next try in {} ms): {}", what, idleMs, claimed.cause().toString());
        wakeIn(idleMs);
        return;
      }
      List<C> batch = claimed.result();
      // The whole batch takes its slots before any of it starts: a piece can end inside workOn (its future already
      // complete, its answer having come in on another event loop) and look for room at once, which must not count
      // the slots of the pieces behind it as free.
      inFlight += batch.size();
      batch.forEach(this::workOn);
      if (again || batch.size() == room) {
        round();
      } else {
        msUntilNextDue().onComplete(due -> wakeIn(due.succeeded() && due.result() != null
          ? Math.max(1, Math.min(due.result(), idleMs)) : idleMs));
      }
    });
  }

  private void wakeIn(long ms) {
    if (stopped) {
      return;
    }
    vertx.cancelTimer(timer);
    timer = vertx.setTimer(ms, id -> fanOut());
  }

  /** Works a piece whose slot is taken; frees the slot when it ends. */
  private void workOn(C claimed) {
    Future.succeededFuture(claimed).compose(this::work).onComplete(done -> {
      inFlight--;
      // The work may have set a retry sooner than the next wake-up: look again.
      round();
    });
  }
}
