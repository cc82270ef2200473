package red.sessions.vyoma.platform;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import red.sessions.vyoma.support.TestServer;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static red.sessions.vyoma.support.Api.assertJson;

/** The embedded default keeps its data, and its signing key, in the data directory across restarts. */
@ExtendWith(VertxExtension.class)
class RestartTest {

  @Test
  void dataAndTokensSurviveARestartOnTheSameDataDirectory() {
    Path dataDir = TestServer.temporaryDirectory();
    JsonObject body = new JsonObject().put("user_id", "grace").put("role", "teacher")
      .put("profile_data", new JsonObject().put("name", "Grace Hopper").put("email", "grace@example.com"));

    String token;
    try (TestServer first = TestServer.startEmbedded(dataDir)) {
      token = first.token("grace");
      assertJson(first.api().post("/profiles", token, body), 201);
    }
    assertFalse(Files.exists(dataDir.resolve("postgres").resolve("postmaster.pid")), "embedded PostgreSQL stopped");

    try (TestServer second = TestServer.startEmbedded(dataDir)) {
      JsonObject profile = assertJson(second.api().get("/profiles?user_id=grace", token), 200).getJsonObject("profile");
      assertEquals("Grace Hopper", profile.getString("name"));
    }
  }
}
