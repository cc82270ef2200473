package red.sessions.vyoma.webhooks;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.support.ServerTest;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.support.Api.assertError;
import static red.sessions.vyoma.support.Api.assertJson;

/** Server-side request forgery: with the default settings, webhooks go to public https addresses only. */
class WebhookTargetsTest extends ServerTest {

  private static final List<String> REFUSED = List.of(
    "https://127.0.0.1/hook",
    "https://127.1.2.3:8443/hook",
    "https://localhost/hook",
    "https://[::1]/hook",
    "https://10.0.0.8/hook",
    "https://172.16.5.4/hook",
    "https://192.168.1.1/hook",
    "https://169.254.169.254/latest/meta-data/",
    "https://[fd00:ec2::254]/latest/meta-data/",
    "https://100.100.100.200/latest/meta-data/",
    "https://0.0.0.0/hook",
    "https://[::ffff:127.0.0.1]/hook",
    "https://2130706433/hook",
    "http://93.184.215.14/hook");

  @Test
  void loopbackPrivateAndMetadataTargetsAreRefusedAtRegistration() {
    String admin = server.adminToken("ssrf-admin");
    for (String url : REFUSED) {
      JsonObject error = assertError(api.post("/webhooks", admin, new JsonObject().put("url", url)
        .put("events", new JsonArray().add("*"))), 400);
      assertTrue(error.getString("message").startsWith("url"), () -> url + ": " + error);
    }
    assertError(api.post("/webhooks", admin, new JsonObject().put("url", "https://93.184.215.14/hook")
      .put("events", new JsonArray().add("ping"))), 400);
    String id = assertJson(api.post("/webhooks", admin, new JsonObject().put("url", "https://93.184.215.14/hook")
      .put("events", new JsonArray().add("review.created"))), 201).getString("id");
    try {
      assertError(api.send(HttpMethod.PATCH, "/webhooks/" + id, admin,
        new JsonObject().put("url", "https://169.254.169.254/latest/meta-data/")), 400);
    } finally {
      assertJson(api.send(HttpMethod.DELETE, "/webhooks/" + id, admin, null), 200);
    }
  }

  @Test
  void onlyPublicAddressesArePublic() throws UnknownHostException {
    for (String address : List.of("8.8.8.8", "93.184.215.14", "2606:4700:4700::1111")) {
      assertTrue(WebhookTargets.isPublic(InetAddress.getByName(address)), address);
    }
    for (String address : List.of("127.0.0.1", "10.1.1.1", "172.31.255.255", "192.168.0.1", "169.254.169.254",
      "100.64.0.1", "100.127.255.255", "0.1.2.3", "192.0.0.170", "198.18.0.1", "224.0.0.1", "240.0.0.1",
      "255.255.255.255", "::1", "::", "fe80::1", "fc00::1", "fd00:ec2::254", "64:ff9b::a00:1", "2001:db8::1", "ff02::1")) {
      assertFalse(WebhookTargets.isPublic(InetAddress.getByName(address)), address);
    }
    assertTrue(WebhookTargets.isPublic(InetAddress.getByName("100.128.0.1")), "just past the shared range");
    assertTrue(WebhookTargets.isPublic(InetAddress.getByName("198.20.0.1")), "just past the benchmarking range");
  }

  @Test
  void allowingPrivateTargetsOpensHttpAndLoopback() throws UnknownHostException {
    assertEquals(InetAddress.getByName("127.0.0.1"), new WebhookTargets(true).resolve("http://127.0.0.1:9/hook"));
    assertThrows(DomainException.class, () -> new WebhookTargets(false).resolve("http://127.0.0.1:9/hook"));
  }
}
