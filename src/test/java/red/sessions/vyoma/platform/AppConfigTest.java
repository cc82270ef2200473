package red.sessions.vyoma.platform;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import red.sessions.vyoma.support.TestServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
class AppConfigTest {

  @Test
  void defaultsComeFromConfJson(Vertx vertx) {
    AppConfig config = AppConfig.load(vertx, null, Map.of()).await();
    assertEquals(8080, config.http().getInteger("port"));
    assertEquals(65536, config.http().getInteger("body_limit_bytes"));
    assertEquals(Path.of("data").toAbsolutePath(), config.dataDir());
    assertEquals("", config.db().getString("url"));
  }

  @Test
  void aConfFileOverridesDefaultsAndEnvironmentOverridesBoth(Vertx vertx) throws Exception {
    Path file = TestServer.temporaryDirectory().resolve("production.json");
    Files.writeString(file, "{\"http\": {\"port\": 9000, \"host\": \"127.0.0.1\"}, \"db\": {\"pool_size\": 4}}");

    AppConfig config = AppConfig.load(vertx, file.toString(), Map.of(
      "VYOMA_HTTP_PORT", "9443",
      "VYOMA_DB_URL", "postgresql://u:p@db:5432/vyoma",
      "VYOMA_AUTH_ALGORITHMS", "RS256, ES384",
      "UNRELATED", "x")).await();

    assertEquals(9443, config.http().getInteger("port"));
    assertEquals("127.0.0.1", config.http().getString("host"));
    assertEquals(4, config.db().getInteger("pool_size"));
    assertEquals(65536, config.http().getInteger("body_limit_bytes"));
    assertEquals("postgresql://u:p@db:5432/vyoma", config.db().getString("url"));
    assertEquals(new JsonArray().add("RS256").add("ES384"), config.auth().getJsonArray("algorithms"));
  }

  @Test
  void anEnvironmentValueOfTheWrongTypeStopsStartup(Vertx vertx) {
    Exception e = assertThrows(Exception.class,
      () -> AppConfig.load(vertx, null, Map.of("VYOMA_HTTP_PORT", "eighty")).await());
    assertTrue(e.getMessage().contains("VYOMA_HTTP_PORT"), e.getMessage());
  }

  @Test
  void aMissingConfFileStopsStartup(Vertx vertx) {
    assertThrows(Exception.class, () -> AppConfig.load(vertx, "/nonexistent/vyoma.json", Map.of()).await());
  }
}
