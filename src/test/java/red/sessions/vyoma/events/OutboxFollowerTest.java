package red.sessions.vyoma.events;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import red.sessions.vyoma.support.TestServer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How the follower paces its claimed work, whatever a claim's or a piece's future looks like when it comes back. On a
 * loaded machine a statement's answer can arrive on another event loop before its caller has attached its handler, so
 * the future is already complete and the handler runs at once, inside the caller; the follower must still never work
 * more than its {@code maxInFlight} at once, nor ask for a negative number of pieces (which the real claims' {@code
 * LIMIT} refuses, leaving the emails to wait for the next wake-up).
 */
class OutboxFollowerTest {

  private static final int MAX_IN_FLIGHT = 4;
  private static final int PIECES = 60;

  private final Vertx vertx = Vertx.vertx();
  private final Pool pool = PgBuilder.pool()
    .connectingTo(PgConnectOptions.fromUri(TestServer.sharedDatabaseUrl()))
    .using(vertx)
    .build();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void claimsAndPiecesThatAreAlreadyCompleteNeverTakeMoreThanTheRoomThereIs() throws TimeoutException {
    Pacing follower = new Pacing(pool);
    vertx.deployVerticle(follower).await();
    Pacing.Seen seen = follower.allWorked.future().await(30, TimeUnit.SECONDS);
    assertEquals(IntStream.range(0, PIECES).boxed().toList(), seen.worked().stream().sorted().toList(),
      "every piece worked once");
    assertTrue(seen.mostAtOnce() <= MAX_IN_FLIGHT, "at most " + MAX_IN_FLIGHT + " at once, saw " + seen.mostAtOnce());
    assertTrue(seen.asked().stream().allMatch(max -> max >= 1 && max <= MAX_IN_FLIGHT),
      "every claim asked for 1 to " + MAX_IN_FLIGHT + " pieces: " + seen.asked());
  }

  /**
   * A follower with no outbox of its own (its cursor query finds no row, as when another node holds it) whose claims
   * come back complete, and whose even pieces are done by the time their future is returned; the odd ones end a few
   * milliseconds later.
   */
  private static final class Pacing extends OutboxFollower<Integer> {

    record Seen(List<Integer> worked, List<Integer> asked, int mostAtOnce) {
    }

    final Promise<Seen> allWorked = Promise.promise();
    private final List<Integer> worked = new ArrayList<>();
    private final List<Integer> asked = new ArrayList<>();
    private int next;
    private int atOnce;
    private int mostAtOnce;

    Pacing(Pool pool) {
      super(pool, "test pieces", "SELECT NULL::text AS txid, 0::bigint AS position WHERE false", MAX_IN_FLIGHT, 60_000,
        "test.pieces.due");
    }

    @Override
    protected Future<?> queue(SqlConnection connection, EventPage page) {
      return Future.succeededFuture();
    }

    @Override
    protected Future<List<Integer>> claim(int max) {
      asked.add(max);
      int from = next;
      next = Math.min(PIECES, next + Math.max(0, max));
      return Future.succeededFuture(IntStream.range(from, next).boxed().toList());
    }

    @Override
    protected Future<?> work(Integer piece) {
      atOnce++;
      mostAtOnce = Math.max(mostAtOnce, atOnce);
      if (piece % 2 == 0) {
        return Future.succeededFuture().onSuccess(done -> ended(piece));
      }
      Promise<Void> later = Promise.promise();
      vertx.setTimer(1 + piece % 5, id -> {
        ended(piece);
        later.complete();
      });
      return later.future();
    }

    private void ended(Integer piece) {
      atOnce--;
      worked.add(piece);
      if (worked.size() == PIECES) {
        allWorked.complete(new Seen(List.copyOf(worked), List.copyOf(asked), mostAtOnce));
      }
    }

    @Override
    protected Future<Long> msUntilNextDue() {
      return Future.succeededFuture(null);
    }

    @Override
    protected Future<Long> countDue() {
      return Future.succeededFuture((long) (PIECES - next));
    }
  }
}
