package red.sessions.vyoma.files;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import red.sessions.vyoma.support.Api;
import red.sessions.vyoma.support.RawHttp;
import red.sessions.vyoma.support.S3ProxyServer;
import red.sessions.vyoma.support.Seed;
import red.sessions.vyoma.support.Seed.Lesson;
import red.sessions.vyoma.support.TestServer;
import red.sessions.vyoma.support.Wait;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.support.Api.assertError;
import static red.sessions.vyoma.support.Api.assertJson;

/**
 * Files over real HTTP: pre-signed uploads (to this server with the local provider, to S3Proxy with the
 * s3 provider), the PUT itself as a client sends it, and reads by the uploader, the parties of sessions
 * the file was shared in, admins and strangers.
 */
class FilesTest {

  private static final String PDF = "application/pdf";
  private static final long FIFTY_MIB = 50L * 1024 * 1024;
  /** How long a raw client gives each step of an exchange; on loopback each takes well under a second. */
  private static final Duration WITHIN = Duration.ofSeconds(10);

  /** A server whose file URLs point at itself: its port is chosen here so that base_url can name it. */
  private static TestServer startServer(Map<String, String> settings) {
    int port = TestServer.freePort();
    Map<String, String> env = new HashMap<>(settings);
    env.put("VYOMA_HTTP_PORT", String.valueOf(port));
    env.put("VYOMA_STORAGE_BASE_URL", "http://localhost:" + port + "/files/");
    TestServer server = TestServer.start(env);
    assertEquals("http://localhost:" + port + "/files/", server.config().storage().getString("base_url"));
    return server;
  }

  /**
   * A client for absolute URLs (upload URLs, file URLs, S3 URLs) that never follows redirects by itself. A
   * connection silent for 30 s is closed, so a request that is never answered fails its test instead of
   * hanging the suite (once, a read after refused uploads waited forever).
   */
  private static WebClient rawClient(TestServer server) {
    return server.client(new WebClientOptions().setFollowRedirects(false).setIdleTimeout(30));
  }

  private static String baseUrl(TestServer server) {
    return server.config().storage().getString("base_url");
  }

  private static String keyOf(TestServer server, String fileUrl) {
    assertTrue(fileUrl.startsWith(baseUrl(server)), () -> fileUrl + " is not under " + baseUrl(server));
    return fileUrl.substring(baseUrl(server).length());
  }

  private static JsonObject presignBody(String fileName, String contentType) {
    return new JsonObject().put("file_name", fileName).put("content_type", contentType);
  }

  private static HttpResponse<Buffer> presign(TestServer server, String userId, String fileName, String contentType) {
    return server.api().post("/presigned-url", server.token(userId), presignBody(fileName, contentType));
  }

  /** The issued URLs of a file the user may upload, answered 200. */
  private record Issued(String uploadUrl, String fileUrl, JsonObject answer) {
  }

  private static Issued issue(TestServer server, String userId, String fileName, String contentType) {
    JsonObject answer = assertJson(presign(server, userId, fileName, contentType), 200);
    return new Issued(answer.getString("upload_url"), answer.getString("file_url"), answer);
  }

  /** One plain HTTP PUT of the bytes, as {@code curl -T} sends it (with Content-Length). */
  private static HttpResponse<Buffer> put(WebClient client, String url, String contentType, Buffer bytes) {
    return putWith(client, url, contentType == null ? Map.of() : Map.of("Content-Type", contentType), bytes);
  }

  private static HttpResponse<Buffer> putWith(WebClient client, String url, Map<String, String> headers, Buffer bytes) {
    HttpRequest<Buffer> request = client.requestAbs(HttpMethod.PUT, url);
    headers.forEach(request::putHeader);
    return request.sendBuffer(bytes).await();
  }

  /** The upload as a client makes it from the answer of POST /presigned-url: with the headers it lists. */
  private static HttpResponse<Buffer> upload(WebClient client, Issued issued, Buffer bytes) {
    Map<String, String> headers = new HashMap<>();
    issued.answer().getJsonObject("headers").forEach(header -> headers.put(header.getKey(), (String) header.getValue()));
    return putWith(client, issued.uploadUrl(), headers, bytes);
  }

  private static HttpResponse<Buffer> get(WebClient client, String url, String token) {
    HttpRequest<Buffer> request = client.requestAbs(HttpMethod.GET, url);
    if (token != null) {
      request.bearerTokenAuthentication(token);
    }
    return request.send().await();
  }

  private static Buffer randomBytes(int size) {
    byte[] bytes = new byte[size];
    new Random(size * 31L + System.nanoTime()).nextBytes(bytes);
    bytes[0] = 0;
    bytes[size - 1] = '\n';
    return Buffer.buffer(bytes);
  }

  private static void assertBytes(Buffer expected, HttpResponse<Buffer> response) {
    assertEquals(200, response.statusCode(), () -> "body: " + response.bodyAsString());
    Buffer body = response.body() == null ? Buffer.buffer() : response.body();
    assertEquals(expected.length(), body.length(), "length of the bytes served");
    assertArrayEquals(expected.getBytes(), body.getBytes(), "the bytes served are the bytes uploaded");
  }

  private static String query(String url, String name) {
    String query = URI.create(url).getRawQuery();
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      if (pair.substring(0, eq).equals(name)) {
        return pair.substring(eq + 1);
      }
    }
    throw new AssertionError("no " + name + " in " + url);
  }

  private static String withQuery(String url, String name, String value) {
    return url.replace(name + "=" + query(url, name), name + "=" + value);
  }

  /**
   * A file whose upload has not landed in the store is not shared: the PUT is 409 naming the file and adds
   * nothing (not even its notes); once the file is uploaded, the same PUT shares it.
   */
  private static void assertSharedOnlyOnceUploaded(TestServer server, WebClient client) {
    Lesson lesson = server.seed().lesson(2);
    String student = server.token(lesson.studentId());
    Issued issued = issue(server, lesson.studentId(), "late.pdf", PDF);
    JsonObject share = new JsonObject()
      .put("notes", new JsonArray().add(new JsonObject().put("text", "see the file")))
      .put("files", new JsonArray().add(new JsonObject().put("name", "late.pdf").put("url", issued.fileUrl())));
    String message = assertError(server.api().send(HttpMethod.PUT, "/sessions/" + lesson.sessionId(), student, share), 409)
      .getString("message");
    assertTrue(message.contains(keyOf(server, issued.fileUrl())) && message.contains("not been uploaded"), message);
    JsonObject untouched = assertJson(server.api().get("/sessions/" + lesson.sessionId(), student), 200);
    assertEquals(new JsonArray(), untouched.getJsonArray("files"));
    assertEquals(new JsonArray(), untouched.getJsonArray("notes"));

    assertEquals(200, upload(client, issued, randomBytes(500)).statusCode());
    assertJson(server.api().send(HttpMethod.PUT, "/sessions/" + lesson.sessionId(), student, share), 200);
    JsonArray files = assertJson(server.api().get("/sessions/" + lesson.sessionId(), student), 200).getJsonArray("files");
    assertEquals(1, files.size(), () -> "files " + files);
    assertEquals(issued.fileUrl(), files.getJsonObject(0).getString("url"));
  }


  /** The default provider: uploads go to this server's own signed URLs and files are read from disk. */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class Local {

    private TestServer server;
    private Api api;
    private Seed seed;
    private WebClient client;

    @BeforeAll
    void start() {
      server = startServer(Map.of());
      api = server.api();
      seed = server.seed();
      client = rawClient(server);
      assertEquals("local", server.config().storage().getString("provider"));
    }

    @AfterAll
    void stop() {
      client.close();
      server.close();
    }

    @Test
    void presignAnswersASignedPutForAKeyTheServerChooses() {
      String user = "uploader-" + UUID.randomUUID();
      Instant before = Instant.now();
      JsonObject answer = assertJson(presign(server, user, "notes.pdf", PDF), 200);
      Instant after = Instant.now();

      assertEquals(Stream.of("upload_url", "file_url", "method", "headers", "expires_at").sorted().toList(),
        answer.fieldNames().stream().sorted().toList(), () -> "fields of " + answer);
      assertEquals("PUT", answer.getString("method"));
      assertEquals(new JsonObject().put("Content-Type", PDF), answer.getJsonObject("headers"));

      String key = keyOf(server, answer.getString("file_url"));
      String[] parts = key.split("/", -1);
      assertEquals(4, parts.length, () -> "key " + key);
      assertEquals("uploads", parts[0]);
      assertEquals(user, parts[1]);
      assertEquals(parts[2], UUID.fromString(parts[2]).toString());
      assertEquals("notes.pdf", parts[3]);

      String uploadUrl = answer.getString("upload_url");
      assertTrue(uploadUrl.startsWith(answer.getString("file_url") + "?expires="), uploadUrl);
      assertTrue(query(uploadUrl, "signature").matches("[0-9a-f]{64}"), uploadUrl);

      String expiresAt = answer.getString("expires_at");
      assertTrue(expiresAt.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"), expiresAt);
      Instant expires = Instant.parse(expiresAt);
      assertFalse(expires.isBefore(before.plusSeconds(900).minusSeconds(1)), expiresAt);
      assertFalse(expires.isAfter(after.plusSeconds(900).plusSeconds(1)), expiresAt);
      assertEquals(expires.getEpochSecond(), Long.parseLong(query(uploadUrl, "expires")), "the URL expires when it says");

      // The same name twice gets two keys; content types are matched ignoring case and spaces.
      JsonObject again = assertJson(presign(server, user, "notes.pdf", "  Application/PDF "), 200);
      assertNotEquals(answer.getString("file_url"), again.getString("file_url"));
      assertEquals(new JsonObject().put("Content-Type", PDF), again.getJsonObject("headers"));
    }

    @Test
    void theUserSegmentOfTheKeyIsSafe() {
      String user = "../Evil User/" + UUID.randomUUID();
      String key = keyOf(server, issue(server, user, "a.txt", "text/plain").fileUrl());
      String[] parts = key.split("/", -1);
      assertEquals(4, parts.length, () -> "key " + key);
      assertTrue(parts[1].matches("[a-z0-9_-][a-z0-9._-]*"), () -> "user segment " + parts[1]);
      assertFalse(parts[1].contains(".."), parts[1]);
      assertTrue(parts[1].length() <= 64, parts[1]);
    }

    @Test
    void fileNamesLosePathsAndSpecialCharacters() {
      String user = "namer-" + UUID.randomUUID();
      Map<String, String> expected = Map.of(
        "../../etc/passwd", "passwd",
        "..\\..\\windows\\win.ini", "win.ini",
        "my report (final).pdf", "my_report_final_.pdf",
        ".hidden.pdf", "hidden.pdf",
        "r\u00e9sum\u00e9\u0001\n\t.pdf", "r_sum_.pdf",
        "a/b/..", "file",
        "\u2603\u2603\u2603", "file");
      expected.forEach((name, safe) -> {
        String key = keyOf(server, issue(server, user, name, PDF).fileUrl());
        assertSafeName(key, name);
        assertEquals(safe, key.substring(key.lastIndexOf('/') + 1), () -> "sanitised " + name);
      });
    }

    @Test
    void longFileNamesAreCutTo100CharactersKeepingTheExtension() {
      String user = "namer-" + UUID.randomUUID();
      for (int length : List.of(101, 255)) {
        String name = "x".repeat(length - 4) + ".pdf";
        String key = keyOf(server, issue(server, user, name, PDF).fileUrl());
        String safe = assertSafeName(key, name);
        assertEquals(100, safe.length(), safe);
        assertEquals("x".repeat(96) + ".pdf", safe);
      }
    }

    /** The API guide: the name "is cut to 100 characters (extension kept)"; nothing says a long name is refused. */
    @Test
    void aThreeHundredCharacterNameIsCutNotRefused() {
      String name = "Quarterly report " + "y".repeat(279) + ".pdf";
      assertEquals(300, name.length());
      String key = keyOf(server, issue(server, "namer-" + UUID.randomUUID(), name, PDF).fileUrl());
      String safe = assertSafeName(key, name);
      assertTrue(safe.length() <= 100, safe);
      assertTrue(safe.endsWith(".pdf"), safe);
      assertTrue(safe.startsWith("Quarterly_report_y"), safe);
    }

    private String assertSafeName(String key, String original) {
      String[] parts = key.split("/", -1);
      assertEquals(4, parts.length, () -> "key " + key + " for " + original);
      String safe = parts[3];
      assertTrue(safe.matches("[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}"), () -> "unsafe name " + safe + " for " + original);
      assertFalse(safe.contains(".."), safe);
      return safe;
    }

    @Test
    void presignRefusesOtherContentTypesMissingFieldsAndAnonymousCallers() {
      String user = "refused-" + UUID.randomUUID();
      for (String type : List.of("application/x-msdownload", "text/html", "image/svg+xml", "application/octet-stream",
        "application/pdf; charset=binary", "")) {
        assertError(presign(server, user, "x.pdf", type), 400);
      }
      for (JsonObject body : List.of(new JsonObject().put("content_type", PDF), new JsonObject().put("file_name", "x.pdf"),
        presignBody("   ", PDF), presignBody("x.pdf", "   "), new JsonObject(),
        new JsonObject().put("file_name", 5).put("content_type", PDF))) {
        assertError(api.post("/presigned-url", server.token(user), body), 400);
      }
      assertError(api.post("/presigned-url", null, presignBody("x.pdf", PDF)), 401);
      assertError(api.post("/presigned-url", "not-a-token", presignBody("x.pdf", PDF)), 401);
      // every type on the allow-list is accepted
      for (Object type : server.config().storage().getJsonArray("allowed_content_types")) {
        assertJson(presign(server, user, "x.bin", (String) type), 200);
      }
    }

    @Test
    void anUploadIsReadByItsUploaderAndAdminsOnly() {
      String owner = "owner-" + UUID.randomUUID();
      Issued issued = issue(server, owner, "scan.png", "image/png");
      assertError(get(client, issued.fileUrl(), server.token(owner)), 404); // not uploaded yet

      Buffer bytes = randomBytes(5000);
      JsonObject stored = assertJson(put(client, issued.uploadUrl(), "image/png", bytes), 200);
      assertEquals(5000, stored.getLong("size"));

      HttpResponse<Buffer> read = get(client, issued.fileUrl(), server.token(owner));
      assertBytes(bytes, read);
      assertEquals("image/png", read.getHeader("Content-Type"));
      assertBytes(bytes, get(client, issued.fileUrl(), server.adminToken("admin-" + UUID.randomUUID())));

      assertError(get(client, issued.fileUrl(), server.token("stranger-" + UUID.randomUUID())), 403);
      assertError(get(client, issued.fileUrl(), null), 401);
      assertError(get(client, baseUrl(server) + "uploads/" + owner + "/" + UUID.randomUUID() + "/scan.png",
        server.token(owner)), 404);
      assertError(get(client, baseUrl(server) + "nothing-here", server.adminToken("admin-" + UUID.randomUUID())), 404);
    }

    @Test
    void anUploadNeedsTheSignedContentTypeAndAnUntouchedUrl() {
      String owner = "owner-" + UUID.randomUUID();
      Issued issued = issue(server, owner, "notes.pdf", PDF);
      String url = issued.uploadUrl();
      Buffer bytes = randomBytes(2000);
      long expires = Long.parseLong(query(url, "expires"));
      String signature = query(url, "signature");
      String flipped = (signature.charAt(0) == '0' ? "1" : "0") + signature.substring(1);

      assertError(put(client, url, "image/png", bytes), 403);
      assertError(put(client, url, "text/html", bytes), 403);
      assertError(put(client, url, null, bytes), 403);
      assertError(put(client, withQuery(url, "signature", flipped), PDF, bytes), 403);
      assertError(put(client, withQuery(url, "signature", ""), PDF, bytes), 403);
      assertError(put(client, withQuery(url, "expires", String.valueOf(expires + 3600)), PDF, bytes), 403);
      assertError(put(client, withQuery(url, "expires", "soon"), PDF, bytes), 403);
      assertError(put(client, url.substring(0, url.indexOf('?')), PDF, bytes), 403);
      // the signature is for this key only
      Issued other = issue(server, owner, "other.pdf", PDF);
      String otherPath = other.uploadUrl().substring(0, other.uploadUrl().indexOf('?'));
      assertError(put(client, otherPath + url.substring(url.indexOf('?')), PDF, bytes), 403);
      assertError(get(client, issued.fileUrl(), server.token(owner)), 404);
      assertError(get(client, other.fileUrl(), server.token(owner)), 404);

      assertJson(put(client, url, PDF, bytes), 200);
      HttpResponse<Buffer> read = get(client, issued.fileUrl(), server.token(owner));
      assertBytes(bytes, read);
      assertEquals(PDF, read.getHeader("Content-Type"));
    }

    /**
     * A client that writes its whole body before reading the answer (no {@code Expect}) sees the
     * refusal of a 50 MiB upload, whether the body is declared, chunked or sent to a tampered URL, and the
     * server closes the connection as its answer says. Before the fix the server stopped reading, so the
     * client's writes blocked after a few MiB and it never saw the 413.
     */
    @Test
    void aClientThatWritesAWholeTooLargeBodyBeforeReadingGetsTheRefusal() {
      String owner = "owner-" + UUID.randomUUID();
      Issued declared = issue(server, owner, "huge.pdf", PDF);
      try (RawHttp http = RawHttp.connect(declared.uploadUrl())) {
        http.write(RawHttp.head("PUT", declared.uploadUrl(),
          Map.of("Content-Type", PDF, "Content-Length", String.valueOf(FIFTY_MIB))), FIFTY_MIB, (byte) 'x', WITHIN);
        assertRefusedThenClosed(http, 413);
      }
      Issued chunked = issue(server, owner, "huge-chunked.pdf", PDF);
      try (RawHttp http = RawHttp.connect(chunked.uploadUrl())) {
        http.writeChunked(RawHttp.head("PUT", chunked.uploadUrl(),
          Map.of("Content-Type", PDF, "Transfer-Encoding", "chunked")), FIFTY_MIB, (byte) 'y', WITHIN);
        assertRefusedThenClosed(http, 413);
      }
      Issued tampered = issue(server, owner, "tampered.pdf", PDF);
      String forged = withQuery(tampered.uploadUrl(), "expires", String.valueOf(Instant.now().getEpochSecond() + 86_400));
      try (RawHttp http = RawHttp.connect(forged)) {
        http.write(RawHttp.head("PUT", forged, Map.of("Content-Type", PDF, "Content-Length", String.valueOf(FIFTY_MIB))),
          FIFTY_MIB, (byte) 'z', WITHIN);
        assertRefusedThenClosed(http, 403);
      }
      for (Issued refused : List.of(declared, chunked, tampered)) {
        assertError(get(client, refused.fileUrl(), server.token(owner)), 404);
      }
    }

    /** A client that sends {@code Expect: 100-continue} with a declared length over the limit is refused at once. */
    @Test
    void expectContinueWithATooLargeLengthIsRefusedAtOnce() {
      Issued issued = issue(server, "owner-" + UUID.randomUUID(), "huge.pdf", PDF);
      try (RawHttp http = RawHttp.connect(issued.uploadUrl())) {
        http.write(RawHttp.head("PUT", issued.uploadUrl(), Map.of("Content-Type", PDF,
          "Content-Length", String.valueOf(FIFTY_MIB), "Expect", "100-continue")), new byte[0], WITHIN);
        HttpResponse<Buffer> refused = http.read(Duration.ofSeconds(3));
        assertError(refused, 413);
        assertEquals("close", refused.getHeader("Connection"));
      }
    }

    /** An acceptable upload sent with {@code Expect: 100-continue} is told to go on, without the client's wait. */
    @Test
    void expectContinueForAnAcceptableUploadIsAnswered100Continue() {
      String owner = "owner-" + UUID.randomUUID();
      Issued issued = issue(server, owner, "small.pdf", PDF);
      Buffer bytes = randomBytes(3000);
      try (RawHttp http = RawHttp.connect(issued.uploadUrl())) {
        http.write(RawHttp.head("PUT", issued.uploadUrl(), Map.of("Content-Type", PDF,
          "Content-Length", String.valueOf(bytes.length()), "Expect", "100-continue")), new byte[0], WITHIN);
        assertEquals(100, http.read(Duration.ofSeconds(3)).statusCode(), "100 Continue before the body is sent");
        http.write(bytes.getBytes(), WITHIN);
        assertEquals(3000, assertJson(http.read(WITHIN), 200).getLong("size"));
      }
      assertBytes(bytes, get(client, issued.fileUrl(), server.token(owner)));
    }

    private void assertRefusedThenClosed(RawHttp http, int status) {
      HttpResponse<Buffer> refused = http.read(WITHIN);
      assertError(refused, status);
      assertEquals("close", refused.getHeader("Connection"));
      http.assertClosedByServer(WITHIN);
    }

    /** An upload URL replayed to replace a file (one shared in a session, say) is refused. */
    @Test
    void anUploadUrlTakesOneFileAndLaterPutsAre409() {
      String owner = "owner-" + UUID.randomUUID();
      Issued issued = issue(server, owner, "final.pdf", PDF);
      Buffer first = randomBytes(3000);
      assertJson(put(client, issued.uploadUrl(), PDF, first), 200);
      for (Buffer again : List.of(randomBytes(2000), first)) {
        assertError(put(client, issued.uploadUrl(), PDF, again), 409);
      }
      assertBytes(first, get(client, issued.fileUrl(), server.token(owner)));
    }

    /**
     * Two uploads to one URL in flight together, each holding back its last byte until both are nearly done:
     * exactly one lands, the other is 409, and the file is the winner's bytes.
     */
    @Test
    void ofTwoUploadsToOneUrlAtOnceExactlyOneLands() {
      String owner = "owner-" + UUID.randomUUID();
      Issued issued = issue(server, owner, "raced.pdf", PDF);
      List<Buffer> bodies = List.of(randomBytes(200_000), randomBytes(200_000));
      String head = RawHttp.head("PUT", issued.uploadUrl(), Map.of("Content-Type", PDF, "Content-Length", "200000"));
      try (RawHttp one = RawHttp.connect(issued.uploadUrl()); RawHttp two = RawHttp.connect(issued.uploadUrl())) {
        List<RawHttp> racers = List.of(one, two);
        for (int i = 0; i < 2; i++) {
          racers.get(i).write(head, bodies.get(i).getBytes(0, 199_999), WITHIN);
        }
        for (int i = 0; i < 2; i++) {
          racers.get(i).write(bodies.get(i).getBytes(199_999, 200_000), WITHIN);
        }
        List<HttpResponse<Buffer>> answers = List.of(one.read(WITHIN), two.read(WITHIN));
        List<Integer> statuses = answers.stream().map(HttpResponse::statusCode).sorted().toList();
        assertEquals(List.of(200, 409), statuses, () -> "answers: " + answers.stream().map(HttpResponse::bodyAsString).toList());
        int winner = answers.get(0).statusCode() == 200 ? 0 : 1;
        assertError(answers.get(1 - winner), 409);
        assertBytes(bodies.get(winner), get(client, issued.fileUrl(), server.token(owner)));
      }
    }

    @Test
    void sharingAFileInASessionLetsTheOtherPartyReadIt() {
      Lesson lesson = seed.lesson(2);
      String third = seed.student();
      Issued homework = issue(server, lesson.studentId(), "homework.pdf", PDF);
      Buffer bytes = randomBytes(3000);
      assertJson(put(client, homework.uploadUrl(), PDF, bytes), 200);
      assertError(get(client, homework.fileUrl(), server.token(lesson.teacherId())), 403);

      assertJson(api.send(HttpMethod.PUT, "/sessions/" + lesson.sessionId(), server.token(lesson.studentId()),
        new JsonObject().put("files", new JsonArray().add(new JsonObject().put("name", "homework.pdf")
          .put("url", homework.fileUrl())))), 200);

      assertBytes(bytes, get(client, homework.fileUrl(), server.token(lesson.teacherId())));
      assertBytes(bytes, get(client, homework.fileUrl(), server.token(lesson.studentId())));
      assertError(get(client, homework.fileUrl(), server.token(third)), 403);

      // Only the uploader shares a file: not the other party, not with someone else's URL.
      Issued thirds = issue(server, third, "mine.pdf", PDF);
      assertJson(put(client, thirds.uploadUrl(), PDF, randomBytes(100)), 200);
      for (String url : List.of(thirds.fileUrl(), homework.fileUrl())) {
        assertError(api.send(HttpMethod.PUT, "/sessions/" + lesson.sessionId(), server.token(lesson.teacherId()),
          new JsonObject().put("files", new JsonArray().add(new JsonObject().put("name", "x.pdf").put("url", url)))), 400);
      }
      assertError(get(client, thirds.fileUrl(), server.token(lesson.teacherId())), 403);
      assertError(get(client, thirds.fileUrl(), server.token(lesson.studentId())), 403);
      JsonArray files = assertJson(api.get("/sessions/" + lesson.sessionId(), server.token(lesson.teacherId())), 200)
        .getJsonArray("files");
      assertEquals(1, files.size(), () -> "files " + files);
      assertEquals(homework.fileUrl(), files.getJsonObject(0).getString("url"));
    }

    @Test
    void aFileIsSharedOnlyOnceItIsUploaded() {
      assertSharedOnlyOnceUploaded(server, client);
    }
  }

  /** A local server taking at most 1 KiB per upload. */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class LocalUploadLimit {

    private TestServer server;
    private WebClient client;

    @BeforeAll
    void start() {
      server = startServer(Map.of("VYOMA_STORAGE_MAX_UPLOAD_BYTES", "1024"));
      client = rawClient(server);
    }

    @AfterAll
    void stop() {
      client.close();
      server.close();
    }

    @Test
    void anUploadAtTheLimitIsStored() {
      String owner = "owner-" + UUID.randomUUID();
      Issued issued = issue(server, owner, "exact.txt", "text/plain");
      Buffer bytes = randomBytes(1024);
      assertJson(put(client, issued.uploadUrl(), "text/plain", bytes), 200);
      assertBytes(bytes, get(client, issued.fileUrl(), server.token(owner)));
    }

    @Test
    void anUploadOverTheLimitIs413AndStoresNothing() {
      String owner = "owner-" + UUID.randomUUID();
      Issued declared = issue(server, owner, "big.txt", "text/plain");
      assertError(put(client, declared.uploadUrl(), "text/plain", randomBytes(4096)), 413);
      assertError(get(client, declared.fileUrl(), server.token(owner)), 404);

      Issued chunked = issue(server, owner, "big-chunked.txt", "text/plain");
      HttpResponse<Buffer> refused = putChunked(chunked.uploadUrl(), "text/plain", randomBytes(4096));
      assertError(refused, 413);
      assertError(get(client, chunked.fileUrl(), server.token(owner)), 404);
      assertNoPartialFiles();

      // the URL still works for a file within the limit
      Buffer small = randomBytes(500);
      assertJson(put(client, chunked.uploadUrl(), "text/plain", small), 200);
      assertBytes(small, get(client, chunked.fileUrl(), server.token(owner)));
    }

    /** The body sent with {@code Transfer-Encoding: chunked} (no Content-Length), in several chunks. */
    private HttpResponse<Buffer> putChunked(String url, String contentType, Buffer bytes) {
      Path file;
      try {
        file = Files.createTempFile("vyoma-upload", ".bin");
        Files.write(file, bytes.getBytes());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      AsyncFile body = server.vertx().fileSystem().open(file.toString(), new OpenOptions().setRead(true)).await();
      body.setReadBufferSize(512);
      try {
        return client.requestAbs(HttpMethod.PUT, url).putHeader("Content-Type", contentType).sendStream(body).await();
      } finally {
        body.close();
      }
    }

    private void assertNoPartialFiles() {
      Path incoming = LocalFileStorage.rootUnder(server.config().dataDir()).resolve(".incoming");
      if (!Files.exists(incoming)) {
        return;
      }
      try (Stream<Path> left = Files.list(incoming)) {
        List<Path> files = left.toList();
        assertEquals(List.of(), files, "temporary files left behind");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** A local server whose upload URLs last one second. */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class LocalUploadExpiry {

    private TestServer server;
    private WebClient client;

    @BeforeAll
    void start() {
      server = startServer(Map.of("VYOMA_STORAGE_UPLOAD_EXPIRY_SECONDS", "1"));
      client = rawClient(server);
    }

    @AfterAll
    void stop() {
      client.close();
      server.close();
    }

    @Test
    void anExpiredUploadUrlIsRefused() {
      String owner = "owner-" + UUID.randomUUID();
      Issued used = issue(server, owner, "early.pdf", PDF);
      Buffer early = randomBytes(700);
      assertJson(put(client, used.uploadUrl(), PDF, early), 200); // in time
      Issued late = issue(server, owner, "late.pdf", PDF);

      Wait.sleep(2100);
      assertError(put(client, late.uploadUrl(), PDF, randomBytes(700)), 403);
      assertError(put(client, used.uploadUrl(), PDF, randomBytes(700)), 403);
      assertError(get(client, late.fileUrl(), server.token(owner)), 404);
      assertBytes(early, get(client, used.fileUrl(), server.token(owner)));
    }
  }

  /** The s3 provider against S3Proxy: uploads go straight to the store, reads redirect to it. */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class S3 {

    private S3ProxyServer s3;
    private TestServer server;
    private TestServer twoSeconds;
    private TestServer oneSecond;
    private WebClient client;

    @BeforeAll
    void start() {
      s3 = S3ProxyServer.start("vyoma-files-" + UUID.randomUUID().toString().substring(0, 8));
      S3ProxyServer.useCredentials(); // again, right before the servers build their presigners
      server = startServer(s3.storageSettings());
      twoSeconds = startServer(expiringAfter("2"));
      oneSecond = startServer(expiringAfter("1"));
      client = rawClient(server);
      assertEquals("s3", server.config().storage().getString("provider"));
    }

    @AfterAll
    void stop() {
      if (client != null) {
        client.close();
      }
      for (TestServer expiring : new TestServer[] {twoSeconds, oneSecond}) {
        if (expiring != null) {
          expiring.close();
        }
      }
      if (server != null) {
        server.close();
      }
      if (s3 != null) {
        s3.close();
      }
    }

    @Test
    void uploadsGoStraightToTheStoreWithTheSignedContentType() {
      String owner = "owner-" + UUID.randomUUID();
      Issued issued = issue(server, owner, "my slides.pdf", PDF);
      String key = keyOf(server, issued.fileUrl());
      assertTrue(key.matches("uploads/" + owner + "/[0-9a-f-]{36}/my_slides\\.pdf"), key);
      assertEquals("PUT", issued.answer().getString("method"));
      assertEquals(new JsonObject().put("Content-Type", PDF).put("If-None-Match", "*"),
        issued.answer().getJsonObject("headers"));
      String url = issued.uploadUrl();
      assertTrue(url.startsWith(s3.endpoint() + "/" + s3.bucket() + "/" + key + "?"), url);
      assertTrue(url.contains("X-Amz-Signature="), url);
      assertEquals("content-type%3Bhost%3Bif-none-match", query(url, "X-Amz-SignedHeaders"));
      long expiresIn = Long.parseLong(query(url, "X-Amz-Expires"));
      assertTrue(expiresIn >= 899 && expiresIn <= 900, "X-Amz-Expires " + expiresIn);

      Buffer bytes = randomBytes(4000);
      assertEquals(403, putWith(client, url, Map.of("Content-Type", "image/png", "If-None-Match", "*"), bytes).statusCode(),
        "another content type");
      assertEquals(403, putWith(client, url, Map.of("If-None-Match", "*"), bytes).statusCode(), "no content type");
      assertEquals(403, put(client, url, PDF, bytes).statusCode(), "no If-None-Match");
      assertEquals(403, putWith(client, url, Map.of("Content-Type", PDF, "If-None-Match", "\"abc\""), bytes).statusCode(),
        "another If-None-Match");
      assertEquals(403, upload(client, new Issued(withQuery(url, "X-Amz-Expires", "3600"), issued.fileUrl(), issued.answer()),
        bytes).statusCode(), "tampered");
      assertFalse(s3.exists(key), "nothing stored by refused uploads");

      HttpResponse<Buffer> stored = upload(client, issued, bytes);
      assertEquals(200, stored.statusCode(), () -> "body: " + stored.bodyAsString());
      assertTrue(s3.exists(key));
      S3ProxyServer.StoredObject object = s3.object(key);
      assertArrayEquals(bytes.getBytes(), object.bytes());
      assertEquals(PDF, object.contentType());
    }

    /**
     * The upload URL is single-use on S3 too: {@code If-None-Match: *} is signed into it, so S3 (here
     * S3Proxy 4.1.0, whose in-memory store honours the condition) refuses a second PUT with 412 and keeps the
     * first file.
     */
    @Test
    void aReplayedUploadUrlCannotReplaceTheFile() {
      String owner = "owner-" + UUID.randomUUID();
      Issued issued = issue(server, owner, "final.pdf", PDF);
      String key = keyOf(server, issued.fileUrl());
      Buffer first = randomBytes(3000);
      assertEquals(200, upload(client, issued, first).statusCode());

      HttpResponse<Buffer> replayed = upload(client, issued, randomBytes(2000));
      assertEquals(412, replayed.statusCode(), () -> "body: " + replayed.bodyAsString());
      assertTrue(replayed.bodyAsString().contains("<Code>PreconditionFailed</Code>"), replayed.bodyAsString());
      assertArrayEquals(first.getBytes(), s3.object(key).bytes(), "the first upload's bytes are kept");
    }

    @Test
    void aFileIsSharedOnlyOnceItIsUploaded() {
      assertSharedOnlyOnceUploaded(server, client);
    }

    @Test
    void readsRedirectToAShortLivedSignedGet() {
      String owner = "owner-" + UUID.randomUUID();
      Issued issued = issue(server, owner, "photo.jpg", "image/jpeg");
      String key = keyOf(server, issued.fileUrl());
      Buffer bytes = randomBytes(6000);
      assertEquals(200, upload(client, issued, bytes).statusCode());

      for (String token : List.of(server.token(owner), server.adminToken("admin-" + UUID.randomUUID()))) {
        HttpResponse<Buffer> redirect = get(client, issued.fileUrl(), token);
        assertEquals(302, redirect.statusCode(), () -> "body: " + redirect.bodyAsString());
        String location = redirect.getHeader("Location");
        assertTrue(location.startsWith(s3.endpoint() + "/" + s3.bucket() + "/" + key + "?"), location);
        assertTrue(location.contains("X-Amz-Signature="), location);
        long expiresIn = Long.parseLong(query(location, "X-Amz-Expires"));
        assertTrue(expiresIn > 0 && expiresIn <= 300, "X-Amz-Expires " + expiresIn);
        HttpResponse<Buffer> fetched = get(client, location, null);
        assertBytes(bytes, fetched);
        assertEquals("image/jpeg", fetched.getHeader("Content-Type"));
      }

      assertError(get(client, issued.fileUrl(), server.token("stranger-" + UUID.randomUUID())), 403);
      assertError(get(client, issued.fileUrl(), null), 401);
      assertError(get(client, baseUrl(server) + "uploads/" + owner + "/" + UUID.randomUUID() + "/photo.jpg",
        server.token(owner)), 404);
    }

    @Test
    void thisServerTakesNoUploadsOfItsOwn() {
      String owner = "owner-" + UUID.randomUUID();
      Issued issued = issue(server, owner, "notes.pdf", PDF);
      String key = keyOf(server, issued.fileUrl());
      String query = URI.create(issued.uploadUrl()).getRawQuery();
      for (String url : List.of(issued.fileUrl(), issued.fileUrl() + "?" + query,
        issued.fileUrl() + "?expires=" + (Instant.now().getEpochSecond() + 600) + "&signature=" + "0".repeat(64))) {
        HttpResponse<Buffer> response = put(client, url, PDF, randomBytes(100));
        assertTrue(response.statusCode() == 405 || response.statusCode() == 404,
          () -> "PUT " + url + " answered " + response.statusCode() + ": " + response.bodyAsString());
        assertError(response, response.statusCode());
      }
      assertFalse(s3.exists(key));
      assertFalse(Files.exists(LocalFileStorage.rootUnder(server.config().dataDir()).resolve(key)), "stored locally");
    }

    private Map<String, String> expiringAfter(String seconds) {
      Map<String, String> settings = new HashMap<>(s3.storageSettings());
      settings.put("VYOMA_STORAGE_UPLOAD_EXPIRY_SECONDS", seconds);
      return settings;
    }

    @Test
    void anExpiredUploadUrlIsRefusedByTheStore() {
      String owner = "owner-" + UUID.randomUUID();
      Issued issued = issue(twoSeconds, owner, "late.pdf", PDF);
      String key = keyOf(twoSeconds, issued.fileUrl());
      long expiresIn = Long.parseLong(query(issued.uploadUrl(), "X-Amz-Expires"));
      assertTrue(expiresIn >= 1 && expiresIn <= 2, "X-Amz-Expires " + expiresIn);

      Wait.sleep(2100);
      HttpResponse<Buffer> refused = upload(client, issued, randomBytes(100));
      assertEquals(403, refused.statusCode(), () -> "body: " + refused.bodyAsString());
      assertFalse(s3.exists(key));
    }

    /** upload_expiry_seconds=1 is a valid setting: the URL lasts one second, then the store refuses it. */
    @Test
    void aOneSecondUploadExpiryGivesAOneSecondUrl() {
      String owner = "owner-" + UUID.randomUUID();
      Issued issued = issue(oneSecond, owner, "late.pdf", PDF);
      String key = keyOf(oneSecond, issued.fileUrl());
      assertEquals("1", query(issued.uploadUrl(), "X-Amz-Expires"));

      Wait.sleep(2100);
      HttpResponse<Buffer> refused = upload(client, issued, randomBytes(100));
      assertEquals(403, refused.statusCode(), () -> "body: " + refused.bodyAsString());
      assertFalse(s3.exists(key));
    }
  }
}
