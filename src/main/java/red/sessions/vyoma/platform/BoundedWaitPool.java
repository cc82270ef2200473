package red.sessions.vyoma.platform;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PrepareOptions;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.Query;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.impl.SqlClientInternal;
import io.vertx.sqlclient.spi.Driver;

import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collector;

/**
 * The pool every call to PostgreSQL goes through: a call waits at most {@code waitMs} for a connection, then fails
 * as unreachable ({@link TimeoutException}, so 503), and its statement is never sent. A connection that comes to a
 * call after its wait has ended goes back to the pool at once.
 *
 * <p>Why not the pool's own {@code PoolOptions.connectionTimeout}: in Vert.x 5.0.7 (which the stack's BOM pins) its
 * timer can fire for a waiter the pool has just handed a connection (the pool forgets the waiter was served,
 * vert.x issue 6169, fixed in 5.1.3). The pool then completes the waiter's promise twice, and the second
 * completion throws inside the pool's task chain: the tasks queued behind it, other waiters' connections, never run.
 * Seen under load as calls that never ended (an event-bus timeout after 15 s); by the pool's code, the connections
 * handed to those calls never come back either.
 * Here the pool has no timer; the wait is bounded by one the call owns, and whichever ends first answers it.
 */
public final class BoundedWaitPool implements Pool, SqlClientInternal {

  private final Vertx vertx;
  private final Pool pool;
  private final long waitMs;

  /** {@code pool} must have no acquire timeout of its own ({@code PoolOptions.connectionTimeout} 0). */
  public BoundedWaitPool(Vertx vertx, Pool pool, long waitMs) {
    this.vertx = vertx;
    this.pool = pool;
    this.waitMs = waitMs;
  }

  @Override
  public Future<SqlConnection> getConnection() {
    Promise<SqlConnection> answer = Promise.promise();
    long timer = vertx.setTimer(waitMs, fired -> answer.tryFail(
      new TimeoutException("no connection of the pool was free within " + waitMs + " ms")));
    pool.getConnection().onComplete(acquired -> {
      vertx.cancelTimer(timer);
      if (acquired.failed()) {
        answer.tryFail(acquired.cause());
      } else if (!answer.tryComplete(acquired.result())) {
        acquired.result().close();
      }
    });
    return answer.future();
  }

  /** A statement on its own: it runs on a connection got within the wait, which then goes back to the pool. */
  @Override
  public Query<RowSet<Row>> query(String sql) {
    return new OneShot<>(connection -> connection.query(sql));
  }

  @Override
  public PreparedQuery<RowSet<Row>> preparedQuery(String sql) {
    return new OneShotPrepared<>(connection -> connection.preparedQuery(sql));
  }

  @Override
  public PreparedQuery<RowSet<Row>> preparedQuery(String sql, PrepareOptions options) {
    return new OneShotPrepared<>(connection -> connection.preparedQuery(sql, options));
  }

  @Override
  public int size() {
    return pool.size();
  }

  @Override
  public Future<Void> close() {
    return pool.close();
  }

  /** The driver's statement syntax, for templates parsed against this pool ({@link Sql}). */
  @Override
  public Driver driver() {
    return ((SqlClientInternal) pool).driver();
  }

  /** Not offered: the statements of such a group would bypass the bounded wait. */
  @Override
  public void group(Handler<SqlClient> block) {
    throw new UnsupportedOperationException("statements are grouped on a connection, not on the pool");
  }

  /** A statement ({@code Q}) made on a connection got within the wait, once it is executed. */
  private class OneShot<T, Q extends Query<T>> implements Query<T> {

    final Function<SqlConnection, Q> on;

    OneShot(Function<SqlConnection, Q> on) {
      this.on = on;
    }

    @Override
    public Future<T> execute() {
      return withConnection(connection -> on.apply(connection).execute());
    }

    @Override
    public <R> Query<SqlResult<R>> collecting(Collector<Row, ?, R> collector) {
      return new OneShot<>(connection -> on.apply(connection).collecting(collector));
    }

    @Override
    public <U> Query<RowSet<U>> mapping(Function<Row, U> mapper) {
      return new OneShot<>(connection -> on.apply(connection).mapping(mapper));
    }
  }

  private final class OneShotPrepared<T> extends OneShot<T, PreparedQuery<T>> implements PreparedQuery<T> {

    OneShotPrepared(Function<SqlConnection, PreparedQuery<T>> prepared) {
      super(prepared);
    }

    @Override
    public Future<T> execute(Tuple tuple) {
      return withConnection(connection -> on.apply(connection).execute(tuple));
    }

    @Override
    public Future<T> executeBatch(List<Tuple> batch) {
      return withConnection(connection -> on.apply(connection).executeBatch(batch));
    }

    @Override
    public <R> PreparedQuery<SqlResult<R>> collecting(Collector<Row, ?, R> collector) {
      return new OneShotPrepared<>(connection -> on.apply(connection).collecting(collector));
    }

    @Override
    public <U> PreparedQuery<RowSet<U>> mapping(Function<Row, U> mapper) {
      return new OneShotPrepared<>(connection -> on.apply(connection).mapping(mapper));
    }
  }
}
