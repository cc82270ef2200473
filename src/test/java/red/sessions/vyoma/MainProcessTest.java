package red.sessions.vyoma;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import red.sessions.vyoma.support.JavaProcess;
import red.sessions.vyoma.support.ResponseContract;
import red.sessions.vyoma.support.TestServer;
import red.sessions.vyoma.support.Wait;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
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
  void aSecondServerOnTheSameDataDirectoryExitsNamingTheServerThatHoldsIt() throws Exception {
    Path dataDir = TestServer.temporaryDirectory();
    try (TestServer first = TestServer.startEmbedded(dataDir)) {
      List<String> postmaster = Files.readAllLines(dataDir.resolve("postgres").resolve("postmaster.pid"));
      Process second = java(Map.of("VYOMA_DATA_DIR", dataDir.toString(), "VYOMA_HTTP_PORT",
        String.valueOf(TestServer.freePort())));
      assertEquals("", stdout(second));
      assertEquals(1, second.exitValue());
      String log = Files.readString(dataDir.resolve("stderr.log"));
      String expected = "Vyoma 1:1 could not start: another Vyoma 1:1 server is using the data directory " + dataDir
        + " (its embedded PostgreSQL runs as process " + postmaster.get(0) + " on port " + postmaster.get(3) + ")";
      assertTrue(log.contains(expected), () -> "expected \"" + expected + "\" in:\n" + log);

      assertEquals(200, first.api().get("/health/ready", null).statusCode(), "the first server runs on");
    }
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
        Wait.sleep(300);

        server.destroy();
        Wait.sleep(1000);
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

  @Test
  void jsonLogsAreOneObjectPerLineWithAccessFieldsAndNoSecrets() throws Exception {
    Path dataDir = TestServer.temporaryDirectory();
    int port = TestServer.freePort();
    String base = "http://127.0.0.1:" + port;
    Map<String, String> env = Map.of(
      "VYOMA_DATA_DIR", dataDir.toString(),
      "VYOMA_DB_URL", TestServer.sharedDatabaseUrl(),
      "VYOMA_HTTP_PORT", String.valueOf(port),
      "VYOMA_HTTP_INSTANCES", "1",
      "VYOMA_DOMAIN_INSTANCES", "1",
      "VYOMA_STORAGE_BASE_URL", base + "/files/",
      "VYOMA_LOG_FORMAT", "json");
    String token = stdout(java(env, "token", "--sub", "alice")).strip();
    Process server = java(env);
    try {
      awaitReady(port);
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> presigned = http.send(HttpRequest.newBuilder(URI.create(base + "/presigned-url"))
          .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
          .header("X-Request-Id", "json-log-presign")
          .POST(HttpRequest.BodyPublishers.ofString("{\"file_name\":\"notes.pdf\",\"content_type\":\"application/pdf\"}"))
          .build(), HttpResponse.BodyHandlers.ofString());
      ResponseContract.check(presigned);
      assertEquals(200, presigned.statusCode(), presigned.body());
      String uploadUrl = new JsonObject(presigned.body()).getString("upload_url");
      String signature = uploadUrl.replaceAll(".*[?&]signature=([^&]+).*", "$1");
      assertTrue(signature.length() >= 16 && !signature.equals(uploadUrl), uploadUrl);
      HttpResponse<String> upload = http.send(HttpRequest.newBuilder(URI.create(uploadUrl))
          .header("Content-Type", "application/pdf").header("X-Request-Id", "json-log-upload")
          .PUT(HttpRequest.BodyPublishers.ofString("%PDF-1.4 lesson notes")).build(), HttpResponse.BodyHandlers.ofString());
      ResponseContract.check(upload);
      assertEquals(200, upload.statusCode(), upload.body());

      Path log = dataDir.resolve("stderr.log");
      Map<String, Map<String, String>> access = awaitAccessLines(log, List.of("json-log-presign", "json-log-upload"));
      Map<String, String> presign = access.get("json-log-presign");
      assertEquals(Map.of("method", "POST", "route", "/presigned-url", "path", "/presigned-url", "status", "200",
        "request_id", "json-log-presign", "user_id", "alice"), without(presign, "duration_ms"));
      assertTrue(Long.parseLong(presign.get("duration_ms")) >= 0);
      Map<String, String> uploaded = access.get("json-log-upload");
      assertEquals("PUT", uploaded.get("method"));
      assertEquals("/files/:key", uploaded.get("route"));
      assertEquals("200", uploaded.get("status"));
      assertEquals("-", uploaded.get("user_id"), "the signature, not a token, is the upload's credential");
      assertTrue(uploaded.get("path").startsWith("/files/uploads/alice/"), uploaded.get("path"));

      String text = Files.readString(log);
      assertFalse(text.contains(token), "no token in the log");
      assertFalse(text.contains(token.substring(token.lastIndexOf('.') + 1)), "not even a token's signature");
      assertFalse(text.contains(signature), "no upload signature in the log");
      assertFalse(text.contains("signature="), "no query string in the log");
    } finally {
      server.destroy();
      assertTrue(server.waitFor(60, TimeUnit.SECONDS), "the server stopped");
    }
  }

  /**
   * The access log is not written by the event loops: with its stderr a pipe nobody reads, whose buffer (64 KiB on
   * Linux) fills with a few hundred access lines, the server still answers thousands of requests. Written where the
   * request was answered, the line after the buffer filled would hold up its event loop, and every request after.
   */
  @Test
  void aStderrNobodyReadsHoldsUpNoRequest() throws Exception {
    Path dataDir = TestServer.temporaryDirectory();
    int port = TestServer.freePort();
    Process server = JavaProcess.start(List.of(), Map.of("VYOMA_DATA_DIR", dataDir.toString(),
      "VYOMA_HTTP_PORT", String.valueOf(port)), ProcessBuilder.Redirect.PIPE);
    try {
      awaitReady(port);
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
        .timeout(Duration.ofSeconds(30)).build();
      for (int i = 0; i < 3000; i++) {
        assertEquals(200, http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode(), "request " + i);
      }
    } finally {
      // Read now, so that the server's shutdown can write its last lines and stop its PostgreSQL.
      Thread reader = new Thread(() -> {
        try {
          server.getErrorStream().transferTo(OutputStream.nullOutputStream());
        } catch (IOException closed) {
          // The server has ended.
        }
      });
      reader.start();
      server.destroy();
      assertTrue(server.waitFor(60, TimeUnit.SECONDS), "the server stopped");
    }
  }

  /**
   * Waits for the access lines of these request ids and returns their key/values by request id, having
   * checked that every line of the log so far is a JSON object.
   */
  private static Map<String, Map<String, String>> awaitAccessLines(Path log, List<String> requestIds) {
    Map<String, Map<String, String>> access = Wait.poll(Duration.ofSeconds(10), Duration.ofMillis(100),
      () -> accessLines(log), lines -> lines.keySet().containsAll(requestIds));
    assertTrue(access.keySet().containsAll(requestIds), "access lines of " + requestIds + " in " + access);
    return access;
  }

  /** The access lines of the log so far by request id, checking that every line is a JSON object. */
  private static Map<String, Map<String, String>> accessLines(Path log) {
    Map<String, Map<String, String>> access = new HashMap<>();
    try {
      for (String line : Files.readAllLines(log)) {
        JsonObject event = new JsonObject(line);
        assertTrue(event.getLong("timestamp") > 0 && event.getString("level") != null, line);
        if ("vyoma.access".equals(event.getString("loggerName"))) {
          Map<String, String> fields = keyValues(event.getJsonArray("kvpList"));
          access.put(fields.get("request_id"), fields);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return access;
  }

  /** logback's JsonEncoder writes an event's key/values as a list of one-entry objects. */
  private static Map<String, String> keyValues(JsonArray kvpList) {
    Map<String, String> fields = new HashMap<>();
    kvpList.stream().map(JsonObject.class::cast).forEach(kv -> kv.forEach(e -> fields.put(e.getKey(), String.valueOf(e.getValue()))));
    return fields;
  }

  private static Map<String, String> without(Map<String, String> fields, String key) {
    Map<String, String> rest = new HashMap<>(fields);
    rest.remove(key);
    return rest;
  }

  private static void awaitReady(int port) {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready")).build();
    Wait.eventually(Duration.ofSeconds(90), Duration.ofMillis(250), () -> {
      try {
        HttpResponse<String> answer = http.send(ready, HttpResponse.BodyHandlers.ofString());
        ResponseContract.check(answer);
        return answer.statusCode() == 200;
      } catch (IOException notYetListening) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }, () -> "the server did not become ready on port " + port);
  }
}
