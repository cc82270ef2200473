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
  void httpVerticlesDefaultToOnePerEventLoopAndDomainVerticlesToOnePerCore(Vertx vertx) {
    AppConfig defaults = AppConfig.load(vertx, null, Map.of()).await();
    assertEquals(2 * Runtime.getRuntime().availableProcessors(), defaults.httpInstances());
    assertEquals(Runtime.getRuntime().availableProcessors(), defaults.domainInstances());

    AppConfig set = AppConfig.load(vertx, null, Map.of("VYOMA_HTTP_INSTANCES", "3", "VYOMA_DOMAIN_INSTANCES", "5")).await();
    assertEquals(3, set.httpInstances());
    assertEquals(5, set.domainInstances());
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
  void theStorageBaseUrlIsTheServersOwnSchemeHostAndPortUnlessSet(Vertx vertx) {
    assertEquals("http://localhost:8080/files/", baseUrl(vertx, Map.of()));
    assertEquals("http://localhost:8090/files/", baseUrl(vertx, Map.of("VYOMA_HTTP_PORT", "8090")));
    assertEquals("https://localhost:8443/files/", baseUrl(vertx, Map.of("VYOMA_HTTP_PORT", "8443",
      "VYOMA_TLS_CERT", "/etc/vyoma/cert.pem", "VYOMA_TLS_KEY", "/etc/vyoma/key.pem")));
    assertEquals("http://10.0.1.10:8080/files/", baseUrl(vertx, Map.of("VYOMA_HTTP_HOST", "10.0.1.10")));
    assertEquals("http://[::1]:8080/files/", baseUrl(vertx, Map.of("VYOMA_HTTP_HOST", "::1")));
    assertEquals("http://localhost:8080/files/", baseUrl(vertx, Map.of("VYOMA_HTTP_HOST", "::")));
    assertEquals("https://api.example.com/files/", baseUrl(vertx, Map.of("VYOMA_HTTP_PORT", "8090",
      "VYOMA_STORAGE_BASE_URL", "https://api.example.com/files/")));
  }

  private static String baseUrl(Vertx vertx, Map<String, String> env) {
    return AppConfig.load(vertx, null, env).await().storage().getString("base_url");
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
