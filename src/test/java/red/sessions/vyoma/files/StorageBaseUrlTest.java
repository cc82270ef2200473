package red.sessions.vyoma.files;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.Test;
import red.sessions.vyoma.support.TestServer;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.support.Api.assertJson;

/**
 * Where upload and file URLs point: by default at the server itself, on whatever port it was moved to (not
 * 8080), so the URLs a client is given work as they are; an explicit {@code storage.base_url} (a public name
 * in front of the server) wins.
 */
class StorageBaseUrlTest {

  private static JsonObject presign(TestServer server, String userId) {
    return assertJson(server.api().post("/presigned-url", server.token(userId),
      new JsonObject().put("file_name", "notes.txt").put("content_type", "text/plain")), 200);
  }

  @Test
  void byDefaultUploadUrlsPointAtTheServersOwnPortAndWork() {
    int port = TestServer.freePort();
    try (TestServer server = TestServer.start(Map.of("VYOMA_HTTP_HOST", "0.0.0.0", "VYOMA_HTTP_PORT", String.valueOf(port)))) {
      JsonObject grant = presign(server, "uploader");
      String base = "http://localhost:" + port + "/files/uploads/uploader/";
      assertTrue(grant.getString("upload_url").startsWith(base), grant::encode);
      assertTrue(grant.getString("file_url").startsWith(base), grant::encode);

      WebClient client = WebClient.create(server.vertx(), new WebClientOptions().setIdleTimeout(30));
      try {
        assertJson(client.requestAbs(HttpMethod.PUT, grant.getString("upload_url")).putHeader("Content-Type", "text/plain")
          .sendBuffer(Buffer.buffer("chain rule")).await(), 200);
        Buffer read = client.requestAbs(HttpMethod.GET, grant.getString("file_url"))
          .bearerTokenAuthentication(server.token("uploader")).send().await().body();
        assertEquals("chain rule", read.toString());
      } finally {
        client.close();
      }
    }
  }

  @Test
  void anExplicitBaseUrlWins() {
    String base = "https://files.example.com/files/";
    try (TestServer server = TestServer.start(Map.of("VYOMA_STORAGE_BASE_URL", base))) {
      JsonObject grant = presign(server, "uploader");
      assertTrue(grant.getString("upload_url").startsWith(base + "uploads/uploader/"), grant::encode);
      assertTrue(grant.getString("file_url").startsWith(base + "uploads/uploader/"), grant::encode);
    }
  }
}
