package red.sessions.vyoma.platform;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.TransactionRollbackException;

import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Transactions whose statements go out without waiting for each other's answers. The pg client pipelines up to
 * {@code pipeliningLimit} statements (256 by default) on a connection; PostgreSQL still runs them one after
 * another, in the order sent, so each statement sees what the ones before it did and locked.
 */
public final class Pipelined {

  private Pipelined() {
  }

  /**
   * As {@code Pool.withTransaction}, but the function's first statements follow BEGIN at once instead of waiting
   * for its answer, so a transaction whose work starts with independent reads saves that round trip. The
   * transaction commits when the function's future succeeds and rolls back when it fails; a statement the
   * database refused aborts the transaction, and the function's future must carry that first failure (the
   * statements after it fail as aborted).
   */
  public static <T> Future<T> withTransaction(Pool pool, Function<SqlConnection, Future<T>> function) {
    return pool.getConnection().compose(connection -> {
      Future<Transaction> begun = connection.begin();
      Transaction tx = connection.transaction();
      // Run at once, behind BEGIN; a function that throws fails the transaction, which still ends.
      Future<T> done = Future.succeededFuture(connection).compose(function);
      return Future.all(begun, done)
        .transform(both -> both.succeeded()
          ? tx.commit().map(v -> done.result())
          : done.failed() && done.cause() instanceof TransactionRollbackException
            ? Future.<T>failedFuture(done.cause())
            : tx.rollback().transform(v -> Future.<T>failedFuture(both.cause())))
        .onComplete(ar -> connection.close());
    });
  }

  /**
   * A transaction in two round trips: BEGIN and the reads go out together; once they are answered (and judged),
   * the writes and COMMIT go out together. {@code Transaction.commit} waits for every statement's answer before
   * it sends COMMIT, so here BEGIN and COMMIT are sent as statements of their own.
   *
   * <p>{@code write} must send every statement of the transaction before it returns, composing only on futures
   * of statements already sent: COMMIT goes out the moment it returns, and a statement sent after that would run
   * outside the transaction. A future it returns already failed (a refusal decided in Java) rolls the transaction
   * back instead. When a write is refused by the database, PostgreSQL aborts the transaction and answers the
   * COMMIT behind it as a ROLLBACK: nothing is written, and the first refusal is the answer.
   *
   * @param read  the transaction's reads, and whatever is decided from them; a failure rolls back
   * @param write the transaction's writes, given what {@code read} made
   */
  public static <R, T> Future<T> readThenWrite(Pool pool, Function<SqlConnection, Future<R>> read,
                                               BiFunction<SqlConnection, R, Future<T>> write) {
    return pool.getConnection().compose(connection -> {
      Future<?> begun = connection.query("BEGIN").execute();
      Future<R> readDone = Future.succeededFuture(connection).compose(read);
      return Future.all(begun, readDone)
        .transform(reads -> reads.failed() ? rollBack(connection, reads.cause()) : writeAndCommit(connection, write,
          readDone.result()))
        .onComplete(ar -> connection.close());
    });
  }

  private static <R, T> Future<T> writeAndCommit(SqlConnection connection, BiFunction<SqlConnection, R, Future<T>> write,
                                                 R read) {
    Future<T> written;
    try {
      written = write.apply(connection, read);
    } catch (RuntimeException e) {
      return rollBack(connection, e);
    }
    if (written.failed()) {
      return rollBack(connection, written.cause());
    }
    Future<?> committed = connection.query("COMMIT").execute();
    // Both answered before the connection goes back to the pool; the writes' own failure, when there is one,
    // says why the COMMIT rolled back.
    return Future.join(written, committed).transform(done -> done.succeeded()
      ? Future.succeededFuture(written.result())
      : Future.failedFuture(written.failed() ? written.cause() : committed.cause()));
  }

  private static <T> Future<T> rollBack(SqlConnection connection, Throwable cause) {
    return connection.query("ROLLBACK").execute().transform(v -> Future.failedFuture(cause));
  }
}
