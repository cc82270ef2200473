package red.sessions.vyoma.notifications;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import red.sessions.vyoma.platform.RetryPolicy;
import red.sessions.vyoma.support.ServerTest;
import red.sessions.vyoma.support.SharedPool;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The emails' attempts are recorded in batches (one round trip while the one before it runs); each attempt must get
 * its own notification's status back, as one by one, and an attempt overtaken by a later claim must move nothing.
 * The notifications here are made as if already claimed (their lease running), so the server's own dispatcher
 * leaves them alone.
 */
class NotificationRecordsTest extends ServerTest {

  @RegisterExtension
  static final SharedPool DATABASE = new SharedPool();
  private static final Pool pool = DATABASE.pool();

  @Test
  void eachAttemptOfABatchGetsItsOwnStatusAndAnOvertakenOneMovesNothing() throws Exception {
    UUID alone = notification(1);
    UUID sent = notification(1);
    UUID retried = notification(1);
    UUID overtaken = notification(2);
    NotificationStore store = new NotificationStore(pool, new RetryPolicy(30_000, 72 * 3_600_000L));

    Context context = DATABASE.vertx().getOrCreateContext();
    CompletableFuture<List<Future<Optional<String>>>> recorded = new CompletableFuture<>();
    context.runOnContext(v -> recorded.complete(List.of(
      // The first goes out alone; the three after it wait for it and go out together.
      store.record(claimed(alone, 1), new NotificationStore.Outcome(NotificationStore.Outcome.SENT, null), 0.5),
      store.record(claimed(sent, 1), new NotificationStore.Outcome(NotificationStore.Outcome.SENT, null), 0.5),
      // Its lease ran out and another node claimed it again (attempt 2): this node's attempt 1 is no longer its. Amid the
      // batch, so that an answer given to the wrong attempt of the batch would show.
      store.record(claimed(overtaken, 1), new NotificationStore.Outcome(NotificationStore.Outcome.SENT, null), 0.5),
      store.record(claimed(retried, 1), new NotificationStore.Outcome(NotificationStore.Outcome.RETRY, "421 busy"), 0.5))));
    List<Optional<String>> answers = Future.all(recorded.get(5, TimeUnit.SECONDS)).await(10, TimeUnit.SECONDS).list();

    assertEquals(List.of(Optional.of("sent"), Optional.of("sent"), Optional.empty(), Optional.of("scheduled")), answers);
    assertEquals("sent", status(sent));
    assertEquals("scheduled", status(retried));
    assertEquals("scheduled", status(overtaken), "moved only by the attempt that holds it");
    // Left scheduled, they would come due for the next test's server on this database.
    pool.preparedQuery("DELETE FROM events WHERE id IN (SELECT event_id FROM notifications WHERE id = ANY($1))")
      .execute(Tuple.of(new UUID[] {alone, sent, retried, overtaken})).await();
  }

  /** A booking's request email to a user of its own, claimed (its attempts counted, its lease running). */
  private static UUID notification(int attempts) {
    UUID event = DATABASE.ping();
    UUID id = UUID.randomUUID();
    pool.preparedQuery("INSERT INTO notifications (id, event_id, booking_id, recipient, kind, lesson_start, due_at, status, "
        + "attempts, next_attempt_at) VALUES ($1, $2, $3, $4, 'booking_requested', now() + interval '1 day', now(), "
        + "'scheduled', $5, now() + interval '1 hour')")
      .execute(Tuple.of(id, event, UUID.randomUUID(), "records-" + UUID.randomUUID(), attempts)).await();
    return id;
  }

  private static NotificationStore.Claimed claimed(UUID id, int attempt) {
    return new NotificationStore.Claimed(id, "recipient", Kind.BOOKING_REQUESTED, 0, OffsetDateTime.now().plusDays(1),
      attempt, null, "Name", "records@example.com", "UTC", true, "Other");
  }

  private static String status(UUID notification) {
    return pool.preparedQuery("SELECT status FROM notifications WHERE id = $1").execute(Tuple.of(notification)).await()
      .iterator().next().getString("status");
  }
}
