package red.sessions.vyoma.webhooks;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import red.sessions.vyoma.platform.RetryPolicy;
import red.sessions.vyoma.support.ServerTest;
import red.sessions.vyoma.support.SharedPool;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The attempts the dispatcher records come in one at a time and are written in batches (one statement while the one
 * before it runs). A batch must judge each attempt as the attempts one by one would: a webhook whose final failure
 * is recorded in the same batch as a delivery it took stays on, though the statement does not see the attempts it
 * logs; one that took none is turned off. The deliveries here are made as if already claimed (their lease running),
 * of pings, which the server's own dispatcher and fan-out pass by.
 */
class DeliveryRecordsTest extends ServerTest {

  private static final RetryPolicy RETRIES = new RetryPolicy(30_000, 72 * 3_600_000L);

  @RegisterExtension
  static final SharedPool DATABASE = new SharedPool();
  private static final Pool pool = DATABASE.pool();

  @Test
  void aFinalFailureBatchedWithADeliveryOfTheSameWebhookLeavesItOnAndOneWithoutTurnsItOff() throws Exception {
    UUID first = webhook();
    UUID taking = webhook();
    UUID silent = webhook();
    UUID alone = delivery(first, false);
    UUID took = delivery(taking, false);
    UUID lastTry = delivery(taking, true);
    UUID refused = delivery(silent, true);
    DeliveryStore store = new DeliveryStore(pool, RETRIES);

    Context context = DATABASE.vertx().getOrCreateContext();
    CompletableFuture<List<Future<Void>>> sent = new CompletableFuture<>();
    context.runOnContext(v -> sent.complete(List.of(
      // The first goes out alone; the three after it wait for it and go out together.
      store.record(claimed(alone, first), outcome(DeliveryStore.Outcome.DELIVERED, 200), 0.5),
      store.record(claimed(took, taking), outcome(DeliveryStore.Outcome.DELIVERED, 200), 0.5),
      store.record(claimed(lastTry, taking), outcome(DeliveryStore.Outcome.RETRY, 503), 0.5),
      store.record(claimed(refused, silent), outcome(DeliveryStore.Outcome.RETRY, 503), 0.5))));
    Future.all(sent.get(5, TimeUnit.SECONDS)).await(10, TimeUnit.SECONDS);

    assertEquals("delivered", status(took));
    assertEquals("failed", status(lastTry), "its retry window is over");
    assertEquals("failed", status(refused));
    Row takingNow = webhookRow(taking);
    assertTrue(takingNow.getBoolean("active"), "it took a delivery in the same batch");
    assertNull(takingNow.getString("deactivated_reason"));
    Row silentNow = webhookRow(silent);
    assertFalse(silentNow.getBoolean("active"), "it took none in the window");
    assertEquals("no delivery succeeded for 72 hours", silentNow.getString("deactivated_reason"));
    assertEquals(4L, pool.preparedQuery("SELECT count(*) FROM webhook_attempts WHERE delivery_id = ANY($1)")
      .execute(Tuple.of(new UUID[] {alone, took, lastTry, refused})).await().iterator().next().getLong(0),
      "every attempt logged once");
    // The pings, and with them their deliveries and attempts.
    UUID[] webhooks = {first, taking, silent};
    pool.preparedQuery("DELETE FROM events WHERE id IN (SELECT event_id FROM webhook_deliveries WHERE webhook_id = ANY($1))")
      .execute(Tuple.of(webhooks)).await();
    pool.preparedQuery("DELETE FROM webhooks WHERE id = ANY($1)").execute(Tuple.of(webhooks)).await();
  }

  private static UUID webhook() {
    return pool.preparedQuery("INSERT INTO webhooks (url, events, secret) VALUES ('https://receiver.example/hook', "
      + "ARRAY['booking.created'], 'secret') RETURNING id").execute().await().iterator().next().getUUID("id");
  }

  /** A ping's delivery to the webhook, claimed (its first attempt under a lease), its retries begun long ago or now. */
  private static UUID delivery(UUID webhook, boolean windowOver) {
    UUID event = DATABASE.ping();
    return pool.preparedQuery("INSERT INTO webhook_deliveries (webhook_id, event_id, attempts, next_attempt_at, retry_from) "
        + "VALUES ($1, $2, 1, now() + interval '1 hour', now() - CASE WHEN $3 THEN interval '73 hours' ELSE interval '0' END) "
        + "RETURNING id")
      .execute(Tuple.of(webhook, event, windowOver)).await().iterator().next().getUUID("id");
  }

  private static DeliveryStore.Claimed claimed(UUID delivery, UUID webhook) {
    return new DeliveryStore.Claimed(delivery, webhook, 1, "https://receiver.example/hook", List.of("secret"), null);
  }

  private static DeliveryStore.Outcome outcome(String outcome, int statusCode) {
    return new DeliveryStore.Outcome(outcome, OffsetDateTime.now(ZoneOffset.UTC), statusCode,
      statusCode >= 300 ? "HTTP " + statusCode : null, 12);
  }

  private static String status(UUID delivery) {
    return pool.preparedQuery("SELECT status FROM webhook_deliveries WHERE id = $1").execute(Tuple.of(delivery)).await()
      .iterator().next().getString("status");
  }

  private static Row webhookRow(UUID webhook) {
    return pool.preparedQuery("SELECT active, deactivated_reason FROM webhooks WHERE id = $1").execute(Tuple.of(webhook))
      .await().iterator().next();
  }
}
