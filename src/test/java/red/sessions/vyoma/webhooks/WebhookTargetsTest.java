package red.sessions.vyoma.webhooks;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import red.sessions.vyoma.support.ServerTest;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.support.Api.assertError;
import static red.sessions.vyoma.support.Api.assertJson;

/**
 * Server-side request forgery: with the default settings, webhooks go to public https addresses only, never
 * to this server; {@code OutboundTargetsTest} holds the whole table of addresses.
 */
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
    "https://198.51.100.1/hook",
    "https://203.0.113.5/hook",
    "https://[::127.0.0.1]/hook",
    "https://[::a9fe:a9fe]/hook",
    "https://[2002:7f00:1::]/hook",
    "https://[2002:a9fe:a9fe::]/hook",
    "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hook",
    "https://[100::1]/hook",
    "https://[64:ff9b::a9fe:a9fe]/hook",
    "http://93.184.215.14/hook");

  @Test
  void targetsOutsideGlobalUnicastOrOnThisServerAreRefusedAtRegistrationAndOnChange() {
    String admin = server.adminToken("ssrf-admin");
    List<String> refused = new ArrayList<>(REFUSED);
    refused.addAll(server.ownUrls("/hook"));
    for (String url : refused) {
      JsonObject error = assertError(api.post("/webhooks", admin, new JsonObject().put("url", url)
        .put("events", new JsonArray().add("*"))), 400);
      assertTrue(error.getString("message").startsWith("url"), () -> url + ": " + error);
    }
    assertError(api.post("/webhooks", admin, new JsonObject().put("url", "https://93.184.215.14/hook")
      .put("events", new JsonArray().add("ping"))), 400);
    String id = assertJson(api.post("/webhooks", admin, new JsonObject().put("url", "https://93.184.215.14/hook")
      .put("events", new JsonArray().add("review.created"))), 201).getString("id");
    try {
      for (String url : refused) {
        JsonObject error = assertError(api.send(HttpMethod.PATCH, "/webhooks/" + id, admin, new JsonObject().put("url", url)), 400);
        assertTrue(error.getString("message").startsWith("url"), () -> url + ": " + error);
      }
      assertEquals("https://93.184.215.14/hook", assertJson(api.get("/webhooks/" + id, admin), 200).getString("url"));
    } finally {
      assertJson(api.send(HttpMethod.DELETE, "/webhooks/" + id, admin, null), 200);
    }
  }
}
