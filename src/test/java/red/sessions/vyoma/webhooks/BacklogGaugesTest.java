package red.sessions.vyoma.webhooks;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import red.sessions.vyoma.support.Scrape;
import red.sessions.vyoma.support.Seed;
import red.sessions.vyoma.support.StallingSmtpServer;
import red.sessions.vyoma.support.TestServer;
import red.sessions.vyoma.support.Wait;
import red.sessions.vyoma.support.WebhookReceiver;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static red.sessions.vyoma.support.Api.assertJson;
import static red.sessions.vyoma.support.Seed.hoursAhead;

/**
 * The backlogs an operator watches, {@code vyoma_webhooks_due} and {@code vyoma_notifications_due}: the sends due
 * and not taken, while the senders' slots are all busy and after. On a database of its own, so that no other test's
 * deliveries or emails count.
 */
class BacklogGaugesTest {

  /**
   * The server is closed while the mail server still holds an email mid-send: the close must not wait for it (a hung
   * close fails the test at its timeout).
   */
  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void theBacklogsAreCountedWhileTheSendersAreBusyAndAStalledMailServerDoesNotHoldTheShutdown(@TempDir Path dataDir) {
    try (StallingSmtpServer mail = StallingSmtpServer.start();
         WebhookReceiver receiver = new WebhookReceiver();
         TestServer server = TestServer.startEmbedded(dataDir, Map.of(
           "VYOMA_WEBHOOKS_ALLOW_PRIVATE_TARGETS", "true",
           "VYOMA_NOTIFICATIONS_POLL_SECONDS", "1",
           "VYOMA_MAIL_PROVIDER", "smtp",
           "VYOMA_MAIL_HOST", "127.0.0.1",
           "VYOMA_MAIL_PORT", String.valueOf(mail.port()),
           "VYOMA_MAIL_STARTTLS", "disabled",
           "VYOMA_MAIL_MAX_IN_FLIGHT", "1",
           "VYOMA_MAIL_TIMEOUT_SECONDS", "10",
           "VYOMA_WEBHOOKS_TIMEOUT_SECONDS", "30"))) {
      // Four lesson requests, four emails to their teachers: one is being sent (to a mail server that never answers, for
      // up to 10 s), three wait, counted every notifications.poll_seconds.
      Seed seed = server.seed();
      String teacher = seed.teacher("Physics");
      seed.slot(teacher, hoursAhead(2), hoursAhead(6));
      List<String> students = IntStream.range(0, 4).mapToObj(i -> seed.student()).toList();
      for (int i = 0; i < students.size(); i++) {
        seed.booking(students.get(i), teacher, hoursAhead(2 + i), hoursAhead(3 + i));
      }
      Wait.eventually(Duration.ofSeconds(10), Duration.ofMillis(200), () -> due(server, "vyoma_notifications_due"),
        due -> due == 3, due -> "vyoma_notifications_due never read 3; last " + due);

      // 40 pings to a receiver that takes 15 s over each (under the 30 s timeout): 32 go out, 8 wait, counted every 5 s.
      String admin = server.adminToken("backlog-admin");
      String path = "/hooks/backlog";
      String webhook = assertJson(server.api().post("/webhooks", admin, new JsonObject().put("url", receiver.url(path))
        .put("events", new JsonArray().add("review.created"))), 201).getString("id");
      int waiting = 8;
      int pings = WebhookDispatcher.MAX_IN_FLIGHT + waiting;
      receiver.delay(Duration.ofSeconds(15));
      for (int i = 0; i < pings; i++) {
        assertJson(server.api().post("/webhooks/" + webhook + "/ping", admin, null), 202);
      }
      Wait.eventually(Duration.ofSeconds(10), Duration.ofMillis(200), () -> due(server, "vyoma_webhooks_due"),
        due -> due == waiting, due -> "vyoma_webhooks_due never read " + waiting + "; last " + due);
      Wait.eventually(Duration.ofSeconds(25), Duration.ofMillis(200), () -> due(server, "vyoma_webhooks_due"),
        due -> due == 0, due -> "vyoma_webhooks_due never fell back to 0 once the first sends ended; last " + due);
      assertEquals(pings, receiver.await(path, request -> true, pings, Duration.ofSeconds(30)).size());
    }
  }

  private static double due(TestServer server, String gauge) {
    HttpResponse<Buffer> metrics = server.api().get("/metrics", null);
    assertEquals(200, metrics.statusCode());
    return new Scrape(metrics.bodyAsString()).value(gauge, Map.of());
  }
}
