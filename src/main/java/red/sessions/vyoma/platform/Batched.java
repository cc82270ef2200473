package red.sessions.vyoma.platform;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Writes that come one at a time, sent as few statements. While one batch's statement is out, the writes that come
 * in wait, and go out together as the next batch once it has been answered: alone a write goes out at once, and under
 * load each statement carries what came in while the one before it ran, so the database runs one statement where it
 * ran many, and no write waits for a timer. Each write's future completes with its own answer from its batch's, or
 * fails with the batch's failure.
 *
 * <p>A batcher belongs to one event loop: the context of its first write is its own, and a write made from elsewhere
 * is handed to that context.
 *
 * @param <T> one write
 * @param <R> its answer
 */
public final class Batched<T, R> {

  private final int max;
  private final Function<List<T>, Future<List<R>>> write;
  private List<Waiting<T, R>> waiting = new ArrayList<>();
  private boolean writing;
  private Context context;

  private record Waiting<T, R>(T write, Promise<R> answer) {
  }

  /**
   * @param max   the most writes one statement carries
   * @param write sends a batch as one statement, answering one answer per write, in the batch's order
   */
  public Batched(int max, Function<List<T>, Future<List<R>>> write) {
    if (max < 1) {
      throw new IllegalArgumentException("a batch holds one write or more");
    }
    this.max = max;
    this.write = write;
  }

  /** Sends the write with the next batch; its answer. Call on a Vert.x context. */
  public Future<R> add(T write) {
    Context current = Vertx.currentContext();
    if (current == null) {
      throw new IllegalStateException("a batched write is made on a Vert.x context");
    }
    if (context == null) {
      context = current;
    }
    Promise<R> answer = Promise.promise();
    if (current == context) {
      queue(write, answer);
    } else {
      context.runOnContext(v -> queue(write, answer));
    }
    return answer.future();
  }

  private void queue(T write, Promise<R> answer) {
    waiting.add(new Waiting<>(write, answer));
    send();
  }

  private void send() {
    if (writing || waiting.isEmpty()) {
      return;
    }
    List<Waiting<T, R>> batch;
    if (waiting.size() <= max) {
      batch = waiting;
      waiting = new ArrayList<>();
    } else {
      batch = new ArrayList<>(waiting.subList(0, max));
      waiting = new ArrayList<>(waiting.subList(max, waiting.size()));
    }
    writing = true;
    Future<List<R>> written;
    try {
      written = write.apply(batch.stream().map(Waiting::write).toList());
    } catch (RuntimeException e) {
      written = Future.failedFuture(e);
    }
    written.onComplete(answers -> {
      if (Vertx.currentContext() == context) {
        answered(batch, answers);
      } else {
        context.runOnContext(v -> answered(batch, answers));
      }
    });
  }

  private void answered(List<Waiting<T, R>> batch, AsyncResult<List<R>> answers) {
    writing = false;
    if (answers.succeeded() && answers.result().size() != batch.size()) {
      IllegalStateException wrong = new IllegalStateException(
        "a batch of " + batch.size() + " writes was answered with " + answers.result().size() + " answers");
      batch.forEach(one -> one.answer().fail(wrong));
    } else {
      for (int i = 0; i < batch.size(); i++) {
        if (answers.succeeded()) {
          batch.get(i).answer().complete(answers.result().get(i));
        } else {
          batch.get(i).answer().fail(answers.cause());
        }
      }
    }
    send();
  }
}
