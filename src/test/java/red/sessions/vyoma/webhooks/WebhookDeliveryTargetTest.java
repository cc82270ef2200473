package red.sessions.vyoma.webhooks;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import red.sessions.vyoma.support.Node;
import red.sessions.vyoma.support.Wait;
import red.sessions.vyoma.support.WebhookReceiver;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.support.Api.assertJson;

/**
 * The target check is made again at each delivery: a name that resolved to a public address when the webhook
 * was registered and resolves to loopback by the time an event is sent (DNS rebinding) gets no connection.
 * The node is the real main class in a JVM of its own whose resolver reads a hosts file the test rewrites
 * ({@code jdk.net.hosts.file}, read at each lookup, with lookups not cached).
 */
class WebhookDeliveryTargetTest {

  private static final String HOST = "hooks.vyoma.test";

  @Test
  void aTargetThatResolvesPrivatelyAtDeliveryIsNotSentToAndTheLogSaysWhy() throws IOException {
    Path hosts = Files.createTempFile("vyoma-hosts", ".txt");
    resolve(hosts, "93.184.215.14");
    Map<String, String> env = Node.alone();
    env.put("VYOMA_WEBHOOKS_TIMEOUT_SECONDS", "5");
    Node node = Node.start("rebinding", env,
      List.of("-Djdk.net.hosts.file=" + hosts, "-Dsun.net.inetaddr.ttl=0")).awaitReady(1);
    String admin = node.adminToken("rebinding-admin");
    String id = null;
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      String url = "https://" + HOST + ":" + receiver.port() + "/hooks/" + UUID.randomUUID();
      id = assertJson(node.api().post("/webhooks", admin, new JsonObject().put("url", url)
        .put("events", new JsonArray().add("review.created"))), 201).getString("id");
      resolve(hosts, "127.0.0.1");
      assertJson(node.api().post("/webhooks/" + id + "/ping", admin, null), 202);

      JsonObject delivery = firstAttempted(node, admin, id);
      assertEquals(0, receiver.connections(), "nothing was sent to the address the name turned to");
      JsonObject attempt = delivery.getJsonArray("attempts").getJsonObject(0);
      assertNull(attempt.getValue("status_code"), attempt::encode);
      assertEquals("url's host " + HOST + " resolves to 127.0.0.1, which is not a public (global unicast) address",
        attempt.getString("error"));
      assertEquals("pending", delivery.getString("status"), "tried again later, and checked again then");
    } finally {
      if (id != null) {
        node.api().send(HttpMethod.DELETE, "/webhooks/" + id, admin, null);
      }
      node.stop();
    }
  }

  /**
   * Points the test's name at the address, in one move so that the node never reads half a file; the node's
   * own names stay as the machine resolves them.
   */
  private static void resolve(Path hosts, String address) throws IOException {
    InetAddress machine = InetAddress.getLocalHost();
    Path next = Files.writeString(hosts.resolveSibling(hosts.getFileName() + ".next"), "127.0.0.1 localhost\n"
      + machine.getHostAddress() + " " + machine.getHostName() + "\n"
      + address + " " + HOST + "\n");
    Files.move(next, hosts, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The webhook's delivery once its first attempt is in the log. */
  private static JsonObject firstAttempted(Node node, String admin, String id) {
    return Wait.eventually(Duration.ofSeconds(60), Duration.ofMillis(100),
      () -> new JsonArray(node.api().get("/webhooks/" + id + "/deliveries", admin).bodyAsString()),
      log -> !log.isEmpty() && !log.getJsonObject(0).getJsonArray("attempts").isEmpty(),
      log -> "no attempt logged for webhook " + id + ": " + node.log()).getJsonObject(0);
  }
}
