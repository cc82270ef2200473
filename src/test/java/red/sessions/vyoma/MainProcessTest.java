package red.sessions.vyoma;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import red.sessions.vyoma.support.TestServer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.support.Api.assertError;

/** The command line as a person uses it: separate JVMs running {@link Main}. */
@ExtendWith(VertxExtension.class)
class MainProcessTest {

  /** Runs Main in its own JVM; its log (stderr) goes to {@code stderr.log} in the data directory named by env. */
  private static Process java(Map<String, String> env, String... args) throws IOException {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(javaBin, "-cp", System.getProperty("java.class.path"),
      Main.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(name -> name.startsWith("VYOMA_"));
    builder.environment().putAll(env);
    builder.redirectError(Path.of(env.get("VYOMA_DATA_DIR")).resolve("stderr.log").toFile());
    return builder.start();
  }

  private static String stdout(Process process) throws Exception {
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "process ended");
    return out;
  }

  @Test
  void tokenCommandPrintsOnlyATokenThatTheServerAccepts(Vertx vertx) throws Exception {
    Path dataDir = TestServer.temporaryDirectory();
    Process process = java(Map.of("VYOMA_DATA_DIR", dataDir.toString()), "token", "--sub", "alice", "--ttl", "120");
    String out = stdout(process);
    assertEquals(0, process.exitValue());
    String token = out.strip();
    assertEquals(out, token + "\n", "one line on stdout");
    assertEquals(3, token.split("\\.").length, token);

    try (TestServer server = TestServer.start(vertx, Map.of("VYOMA_DATA_DIR", dataDir.toString()))) {
      assertError(server.api().get("/profiles?user_id=alice", token), 404);
      assertError(server.api().get("/profiles?user_id=alice", token + "x"), 401);
    }
  }

  @Test
  void tokenCommandRefusesWhenAnExternalIssuerIsConfigured() throws Exception {
    Process process = java(Map.of(
      "VYOMA_DATA_DIR", TestServer.temporaryDirectory().toString(),
      "VYOMA_AUTH_JWKS_URL", "https://issuer.example/.well-known/jwks.json"), "token", "--sub", "alice");
    assertEquals("", stdout(process));
    assertEquals(1, process.exitValue());
  }

  @Test
  void tokenCommandWithoutSubjectIsAUsageError() throws Exception {
    Process process = java(Map.of("VYOMA_DATA_DIR", TestServer.temporaryDirectory().toString()), "token");
    assertEquals("", stdout(process));
    assertEquals(2, process.exitValue());
  }

  @Test
  void serverStartsOnTheEmbeddedDefaultAndStopsCleanlyOnSigterm() throws Exception {
    Path dataDir = TestServer.temporaryDirectory();
    int port = TestServer.freePort();
    Process server = java(Map.of("VYOMA_DATA_DIR", dataDir.toString(), "VYOMA_HTTP_PORT", String.valueOf(port)));
    try {
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready")).build();
      Instant deadline = Instant.now().plusSeconds(90);
      int status = 0;
      while (status != 200 && Instant.now().isBefore(deadline)) {
        try {
          status = http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException notYetListening) {
          Thread.sleep(250);
        }
      }
      assertEquals(200, status, "the server became ready");
      assertTrue(Files.exists(dataDir.resolve("postgres").resolve("postmaster.pid")), "embedded PostgreSQL runs");

      server.destroy();
      assertTrue(server.waitFor(60, TimeUnit.SECONDS), "the server stopped after SIGTERM");
      assertEquals(143, server.exitValue(), "the JVM ended through its SIGTERM shutdown");
      assertFalse(Files.exists(dataDir.resolve("postgres").resolve("postmaster.pid")), "embedded PostgreSQL stopped");
      String log = Files.readString(dataDir.resolve("stderr.log"));
      assertTrue(log.contains("Stopped"), log);
    } finally {
      server.destroyForcibly();
    }
  }
}
