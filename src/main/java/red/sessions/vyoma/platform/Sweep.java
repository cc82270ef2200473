package red.sessions.vyoma.platform;

import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Function;

/**
 * A periodic sweep of the shared database, on every node, done by one node at a time: each round runs the
 * batch after batch until one comes back short. A batch's statement takes a transaction-scoped advisory
 * lock with {@code pg_try_advisory_xact_lock} (its key the same on every node) and touches nothing when another
 * node holds it, so a node that does not get it skips the round rather than wait; it handles at most
 * {@code #{batch}} rows, skipping rows a request has locked, so neither another node nor a request ever waits
 * long on it. A sweep whose rows need judging in Java gives a batch of its own ({@link Batch}) that keeps to the
 * same rules. The pool is asynchronous, so this runs on an event loop.
 * <p>
 * Work that is more than the statement (a call to another service) is a step applied to each row the statement
 * returns: the statement then claims the rows, stamping them so that no node claims them again before the step had
 * its chance (the stamp is also what ends the round), and the steps run after its transaction, one row after
 * another; a row whose step fails is logged and left to a later claim.
 */
public final class Sweep extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(Sweep.class);
  private static final int BATCH = 1000;
  private static final String PRUNED = "vyoma_retention_pruned_rows";

  /** One batch of a round: at most {@code size} rows handled; answers how many were. */
  public interface Batch {
    Future<Integer> run(int size);
  }

  private final String what;
  private final Batch batch;
  private final long intervalMs;
  private String prunedTable;
  private Counter pruned;
  private long timer = -1;

  /**
   * @param what   what a row swept is, for the log ("expired idempotency keys")
   * @param sql    the statement, with {@code #{batch}} among its parameters
   * @param params its other parameters
   */
  public Sweep(Pool pool, String what, String sql, Map<String, Object> params, long intervalSeconds) {
    this(pool, what, sql, params, intervalSeconds, row -> Future.succeededFuture());
  }

  /**
   * @param sql  the statement claiming rows, with {@code #{batch}} among its parameters, returning what
   *             {@code each} needs of a row
   * @param each the step applied to each row claimed
   */
  public Sweep(Pool pool, String what, String sql, Map<String, Object> params, long intervalSeconds,
               Function<Row, Future<?>> each) {
    this(what, size -> {
      Map<String, Object> all = new HashMap<>(params);
      all.put("batch", size);
      return Sql.query(pool, sql).execute(all)
        .compose(result -> stepEach(what, result.iterator(), each).map(result.rowCount()));
    }, intervalSeconds);
  }

  /**
   * @param what  what a row swept is, for the log ("series occurrences materialised")
   * @param batch a batch of the round, handling at most the size it is given
   */
  public Sweep(String what, Batch batch, long intervalSeconds) {
    if (intervalSeconds <= 0) {
      throw new IllegalArgumentException("the interval of the sweep of " + what + " must be positive");
    }
    this.what = what;
    this.batch = batch;
    this.intervalMs = intervalSeconds * 1000;
  }

  /**
   * A batch of one statement that answers in its one row's {@code handled} column how many rows it handled (a
   * statement whose work is done in its common table expressions), with {@code #{batch}} among its parameters.
   */
  public static Batch counting(Pool pool, String sql, Map<String, Object> params) {
    return size -> {
      Map<String, Object> all = new HashMap<>(params);
      all.put("batch", size);
      return Sql.query(pool, sql).mapTo(row -> row.getInteger("handled")).execute(all)
        .map(rows -> rows.iterator().next());
    };
  }

  /** A retention period in days from a config section, refused unless positive. */
  public static int days(JsonObject section, String key) {
    int days = section.getInteger(key);
    if (days <= 0) {
      throw new IllegalArgumentException(key + " must be a positive number of days");
    }
    return days;
  }

  /**
   * Makes this a retention sweep of the table: a round at once when deployed, then every interval, and the rows
   * pruned counted in {@code vyoma_retention_pruned_rows_total{table}}.
   */
  public Sweep pruning(String table) {
    this.prunedTable = table;
    return this;
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(intervalMs, id -> round());
    if (prunedTable != null) {
      pruned = Counter.builder(PRUNED)
        .description("Rows (or files) deleted by the retention sweeps, by table")
        .tag("table", prunedTable)
        .register(Metrics.registry(vertx));
      round();
    }
    return Future.succeededFuture();
  }

  private void round() {
    sweep(0)
      .onSuccess(swept -> {
        if (swept > 0) {
          LOG.info("Swept {} {}", swept, what);
        }
      })
      .onFailure(e -> LOG.warn("Could not sweep {} (next try in {} s): {}", what, intervalMs / 1000, e.toString()));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  /** Sweeps batch after batch until one comes back short; answers how many rows went in all. */
  private Future<Integer> sweep(int sofar) {
    return batch.run(BATCH)
      .onSuccess(swept -> {
        if (pruned != null) {
          pruned.increment(swept);
        }
      })
      .compose(swept -> swept < BATCH ? Future.succeededFuture(sofar + swept) : sweep(sofar + swept));
  }

  private static Future<Void> stepEach(String what, Iterator<Row> rows, Function<Row, Future<?>> each) {
    if (!rows.hasNext()) {
      return Future.succeededFuture();
    }
    Row row = rows.next();
    return Future.succeededFuture(row).compose(claimed -> each.apply(claimed).mapEmpty())
      .transform(done -> {
        if (done.failed()) {
          LOG.warn("Could not sweep one of the {} ({}; tried again later): {}", what, row.toJson().encode(),
            done.cause().toString());
        }
        return stepEach(what, rows, each);
      });
  }
}
