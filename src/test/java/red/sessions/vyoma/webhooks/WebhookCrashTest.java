package red.sessions.vyoma.webhooks;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import red.sessions.vyoma.support.Node;
import red.sessions.vyoma.support.TestServer;
import red.sessions.vyoma.support.Wait;
import red.sessions.vyoma.support.WebhookReceiver;
import red.sessions.vyoma.support.WebhookReceiver.Received;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.support.Api.assertJson;

/**
 * A node killed (SIGKILL) with deliveries pending and in flight: once it is back, every event is delivered.
 * The node is the real main class in a JVM of its own. The receiver holds its answers until the node is dead,
 * so the node dies with 32 deliveries mid-send (as many as it sends at once) and the rest not yet claimed;
 * the ones mid-send come again when their lease (three timeouts of 5 seconds) runs out.
 */
class WebhookCrashTest {

  private static long distinct(List<Received> requests) {
    return requests.stream().map(Received::eventId).distinct().count();
  }

  @Test
  void everyEventIsDeliveredAfterANodeIsKilledWithDeliveriesPending() {
    Map<String, String> env = Node.alone();
    env.put("VYOMA_WEBHOOKS_ALLOW_PRIVATE_TARGETS", "true");
    env.put("VYOMA_WEBHOOKS_RETRY_BASE_SECONDS", "1");
    env.put("VYOMA_WEBHOOKS_TIMEOUT_SECONDS", "5");
    Node node = Node.start("crash", env).awaitReady(1);
    String admin = node.adminToken("crash-admin");
    String id = null;
    try (WebhookReceiver receiver = new WebhookReceiver().delay(Duration.ofMinutes(1))) {
      String path = "/hooks/" + UUID.randomUUID();
      id = assertJson(node.api().post("/webhooks", admin, new JsonObject().put("url", receiver.url(path))
        .put("events", new JsonArray().add("review.created"))), 201).getString("id");
      String webhook = id;
      int pings = 40;
      IntStream.range(0, pings).forEach(i -> assertJson(node.api().post("/webhooks/" + webhook + "/ping", admin, null), 202));
      Wait.poll(Duration.ofSeconds(20), Duration.ofMillis(50), () -> receiver.at(path).size(),
        sent -> sent >= WebhookDispatcher.MAX_IN_FLIGHT);
      node.kill();
      List<Received> beforeDeath = receiver.at(path);
      assertEquals(WebhookDispatcher.MAX_IN_FLIGHT, beforeDeath.size(), "mid-send when the node died");
      receiver.delay(Duration.ZERO);
      node.restart().awaitReady(1);
      Wait.poll(Duration.ofSeconds(60), Duration.ofMillis(100), () -> receiver.at(path).size(),
        sent -> sent >= pings + beforeDeath.size());
      List<Received> got = receiver.at(path);
      assertEquals(pings, distinct(got), () -> distinct(got) + " of " + pings + " events delivered");
      Map<String, Long> sends = got.stream().collect(Collectors.groupingBy(Received::eventId, Collectors.counting()));
      assertTrue(beforeDeath.stream().allMatch(request -> sends.get(request.eventId()) == 2),
        "what was mid-send when the node died is sent again, once: " + sends);
      Wait.sleep(1000);
      JsonArray log = new JsonArray(node.api().get("/webhooks/" + webhook + "/deliveries?status=delivered", admin).bodyAsString());
      assertEquals(pings, log.size());
    } finally {
      node.stop();
      if (id != null) {
        unsubscribe(id);
      }
    }
  }

  /**
   * Straight in the shared database, so other tests' events stop going to this receiver whether or not the node
   * is still alive to be asked (a request to a dead node would throw here and hide why the test failed).
   */
  private static void unsubscribe(String webhook) {
    try (Connection db = DriverManager.getConnection(TestServer.sharedJdbcUrl());
         PreparedStatement delete = db.prepareStatement("DELETE FROM webhooks WHERE id = ?::uuid")) {
      delete.setString(1, webhook);
      delete.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("could not delete webhook " + webhook, e);
    }
  }
}
