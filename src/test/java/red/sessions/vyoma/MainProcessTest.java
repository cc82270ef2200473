package red.sessions.vyoma;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import red.sessions.vyoma.support.JavaProcess;
import red.sessions.vyoma.support.TestServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
    return JavaProcess.start(env, Path.of(env.get("VYOMA_DATA_DIR")).resolve("stderr.log"), args);
  }

  private static String stdout(Process process) throws Exception {
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "process ended");
    return out;
  }

  @Test
  void tokenCommandPrintsOnlyATokenThatTheServerAccepts() throws Exception {
    Path dataDir = TestServer.temporaryDirectory();
    Process process = java(Map.of("VYOMA_DATA_DIR", dataDir.toString()), "token", "--sub", "alice", "--ttl", "120");
    String out = stdout(process);
    assertEquals(0, process.exitValue());
    String token = out.strip();
    assertEquals(out, token + "\n", "one line on stdout");
    assertEquals(3, token.split("\\.").length, token);

    try (TestServer server = TestServer.start(Map.of("VYOMA_DATA_DIR", dataDir.toString()))) {
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
  void sigtermLetsARequestInFlightFinishThenStopsEverything() throws Exception {
    Path dataDir = TestServer.temporaryDirectory();
    Map<String, String> env = Map.of("VYOMA_DATA_DIR", dataDir.toString());
    Process mint = java(env, "token", "--sub", "alice");
    String token = stdout(mint).strip();
    int port = TestServer.freePort();
    Process server = java(Map.of("VYOMA_DATA_DIR", dataDir.toString(), "VYOMA_HTTP_PORT", String.valueOf(port)));
    try {
      awaitReady(port);
      assertTrue(Files.exists(dataDir.resolve("postgres").resolve("postmaster.pid")), "embedded PostgreSQL runs");

      byte[] body = ("{\"user_id\":\"alice\",\"role\":\"student\","
        + "\"profile_data\":{\"name\":\"Alice\",\"email\":\"alice@example.com\"}}").getBytes(StandardCharsets.UTF_8);
      try (Socket socket = new Socket("127.0.0.1", port)) {
        OutputStream out = socket.getOutputStream();
        out.write(("POST /profiles HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
          + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
        out.write(body, 0, 10);
        out.flush();
        Thread.sleep(300);

        server.destroy();
        Thread.sleep(1000);
        out.write(body, 10, body.length - 10);
        out.flush();
        String statusLine = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
        assertEquals("HTTP/1.1 201", statusLine, "the request in flight when SIGTERM came was served");
      }

      assertTrue(server.waitFor(60, TimeUnit.SECONDS), "the server stopped after SIGTERM");
      assertEquals(143, server.exitValue(), "the JVM ended through its SIGTERM shutdown");
      assertFalse(Files.exists(dataDir.resolve("postgres").resolve("postmaster.pid")), "embedded PostgreSQL stopped");
      assertTrue(Files.readString(dataDir.resolve("stderr.log")).contains("Stopped"));
    } finally {
      server.destroyForcibly();
    }
  }

  private static void awaitReady(int port) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready")).build();
    Instant deadline = Instant.now().plusSeconds(90);
    while (Instant.now().isBefore(deadline)) {
      try {
        if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYetListening) {
        // still starting
      }
      Thread.sleep(250);
    }
    throw new AssertionError("the server did not become ready on port " + port);
  }
}
