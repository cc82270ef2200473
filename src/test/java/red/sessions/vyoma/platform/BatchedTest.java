package red.sessions.vyoma.platform;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A batcher sends a write alone when nothing is out, and the writes that come in meanwhile together once it is
 * answered, at most {@code max} at a time; each write gets its own answer, or its batch's failure.
 */
class BatchedTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  /** A statement stand-in: each batch is answered (each write doubled) when the test says so. */
  private static final class Statements {
    final List<List<Integer>> sent = new ArrayList<>();
    final List<Promise<List<Integer>>> answers = new ArrayList<>();

    Future<List<Integer>> write(List<Integer> batch) {
      sent.add(batch);
      Promise<List<Integer>> answer = Promise.promise();
      answers.add(answer);
      return answer.future();
    }

    void answer(int batch) {
      answers.get(batch).complete(sent.get(batch).stream().map(write -> write * 2).toList());
    }
  }

  @Test
  void theWritesThatComeWhileOneIsOutGoTogetherEachWithItsOwnAnswer() throws Exception {
    Statements statements = new Statements();
    Batched<Integer, Integer> batched = new Batched<>(3, statements::write);
    Context context = vertx.getOrCreateContext();
    List<Future<Integer>> answers = addAll(context, batched, 6);

    assertEquals(List.of(List.of(0)), onContext(context, () -> List.copyOf(statements.sent)), "the first goes alone, at once");
    run(context, () -> statements.answer(0));
    assertEquals(List.of(List.of(0), List.of(1, 2, 3)), onContext(context, () -> List.copyOf(statements.sent)),
      "the next three together, no more than max");
    run(context, () -> {
      statements.answer(1);
      statements.answer(2);
    });
    assertEquals(List.of(List.of(0), List.of(1, 2, 3), List.of(4, 5)), onContext(context, () -> List.copyOf(statements.sent)));
    for (int i = 0; i < 6; i++) {
      assertEquals(2 * i, answers.get(i).await(5, TimeUnit.SECONDS), "write " + i + "'s own answer");
    }
  }

  @Test
  void aFailedStatementFailsEveryWriteOfItsBatchAndTheNextBatchStillGoes() throws Exception {
    Statements statements = new Statements();
    Batched<Integer, Integer> batched = new Batched<>(10, statements::write);
    Context context = vertx.getOrCreateContext();
    List<Future<Integer>> answers = addAll(context, batched, 3);
    run(context, () -> {
      statements.answer(0);
      statements.answers.get(1).fail(new IllegalStateException("the database went away"));
    });
    assertEquals(0, answers.get(0).await(5, TimeUnit.SECONDS));
    for (Future<Integer> failed : answers.subList(1, 3)) {
      assertEquals("the database went away", failed.transform(Future::succeededFuture).await(5, TimeUnit.SECONDS).cause()
        .getMessage());
    }
    Future<Integer> later = onContext(context, () -> batched.add(7));
    run(context, () -> statements.answer(2));
    assertEquals(14, later.await(5, TimeUnit.SECONDS));
  }

  @Test
  void aWriteFromAnotherContextIsHandedToTheBatchersOwn() throws Exception {
    List<Boolean> onItsContext = new ArrayList<>();
    Context own = vertx.getOrCreateContext();
    Batched<Integer, Integer> batched = new Batched<>(10, batch -> {
      onItsContext.add(Vertx.currentContext() == own);
      return Future.succeededFuture(batch);
    });
    assertEquals(1, onContext(own, () -> batched.add(1)).await(5, TimeUnit.SECONDS));
    Context other = vertx.getOrCreateContext();
    assertEquals(2, onContext(other, () -> batched.add(2)).await(5, TimeUnit.SECONDS));
    assertEquals(List.of(true, true), onItsContext);
  }

  @Test
  void answersThatDoNotMatchTheBatchFailIt() throws Exception {
    Batched<Integer, Integer> batched = new Batched<>(10, batch -> Future.succeededFuture(List.of()));
    Throwable cause = onContext(vertx.getOrCreateContext(), () -> batched.add(1)).transform(Future::succeededFuture)
      .await(5, TimeUnit.SECONDS).cause();
    assertTrue(cause instanceof IllegalStateException && cause.getMessage().contains("1 writes"), String.valueOf(cause));
  }

  /** Writes 0 to {@code count - 1}, one after the other on the context; their answers. */
  private static List<Future<Integer>> addAll(Context context, Batched<Integer, Integer> batched, int count) throws Exception {
    return onContext(context, () -> IntStream.range(0, count).mapToObj(batched::add).toList());
  }

  private static void run(Context context, Runnable action) throws Exception {
    onContext(context, () -> {
      action.run();
      return null;
    });
  }

  /** Runs the action on the context and answers what it made. */
  private static <T> T onContext(Context context, Callable<T> action) throws Exception {
    CompletableFuture<T> made = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        made.complete(action.call());
      } catch (Exception e) {
        made.completeExceptionally(e);
      }
    });
    return made.get(5, TimeUnit.SECONDS);
  }
}
