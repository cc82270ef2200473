package red.sessions.vyoma.platform;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.TransactionRollbackException;

import java.util.function.Function;

/**
 * A transaction whose statements go out without waiting for each other's answers. {@code Pool.withTransaction}
 * waits for BEGIN's answer before it runs the function; here BEGIN is sent and the function's first statements
 * follow it on the same connection at once (the pg client pipelines up to {@code pipeliningLimit} statements,
 * 256 by default), so a transaction whose work starts with independent reads saves that round trip.
 * PostgreSQL still runs them one after another, in the order sent: each statement sees what the ones before
 * it did and locked. As with {@code withTransaction}, the transaction commits when the function's future
 * succeeds and rolls back when it fails; a statement the database refused aborts the transaction, and the
 * function's future must carry that first failure (the statements after it fail as aborted).
 */
public final class Pipelined {

  private Pipelined() {
  }

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
}
