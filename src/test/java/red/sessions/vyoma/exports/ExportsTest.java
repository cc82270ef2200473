package red.sessions.vyoma.exports;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import red.sessions.vyoma.support.S3ProxyServer;
import red.sessions.vyoma.support.Seed;
import red.sessions.vyoma.support.TestServer;
import red.sessions.vyoma.support.Wait;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.support.Api.assertError;
import static red.sessions.vyoma.support.Api.assertJson;

/**
 * A user's export over real HTTP, on the local store and on S3 (S3Proxy): a student with bookings, a series, a
 * package, a session with both parties' notes and files, a review and events asks for it, follows it to ready and
 * downloads the ZIP from its URL without a token; every entry is there with the manifest's hash, and nothing private
 * of the teacher is. Streaming (pages from each owner, file bytes from the store, the ZIP to a temporary file) is
 * by design and not timed here.
 */
class ExportsTest {

  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final Duration WITHIN = Duration.ofSeconds(60);

  /** A server whose file URLs point at itself: its port is chosen here so that base_url can name it. */
  private static TestServer startServer(Map<String, String> settings) {
    int port = TestServer.freePort();
    Map<String, String> env = new HashMap<>(settings);
    env.put("VYOMA_HTTP_PORT", String.valueOf(port));
    env.put("VYOMA_STORAGE_BASE_URL", "http://localhost:" + port + "/files/");
    return TestServer.start(env);
  }

  /** What the student's export must hold, and what of the teacher it must not. */
  private record Scene(String student, String teacher, String ownFile, String sharedByTeacher, String teachersOwn,
                       String note, String teachersNote) {
  }

  /**
   * A student and a teacher with: a confirmed lesson and its session, where each adds a note and shares a file; a
   * file the student uploaded and kept; a file the teacher uploaded and kept; a package; a weekly series; a completed
   * and reviewed lesson.
   */
  private static Scene scene(TestServer server) {
    Seed seed = server.seed();
    Seed.Lesson lesson = seed.lesson(30);
    String student = lesson.studentId();
    String teacher = lesson.teacherId();
    String shared = seed.fileUrl(student, "homework.pdf");
    String kept = seed.fileUrl(student, "my-own.pdf");
    String teachersShared = seed.fileUrl(teacher, "worksheet.pdf");
    String teachersOwn = seed.fileUrl(teacher, "private-plans.pdf");
    String note = "student note " + UUID.randomUUID();
    String teachersNote = "teacher note " + UUID.randomUUID();
    assertEquals(200, server.api().send(HttpMethod.PUT, "/sessions/" + lesson.sessionId(), server.token(student),
      new JsonObject().put("notes", new JsonArray().add(new JsonObject().put("text", note)))
        .put("files", new JsonArray().add(new JsonObject().put("name", "homework.pdf").put("url", shared))))
      .statusCode());
    assertEquals(200, server.api().send(HttpMethod.PUT, "/sessions/" + lesson.sessionId(), server.token(teacher),
      new JsonObject().put("notes", new JsonArray().add(new JsonObject().put("text", teachersNote)))
        .put("files", new JsonArray().add(new JsonObject().put("name", "worksheet.pdf").put("url", teachersShared))))
      .statusCode());
    assertJson(server.api().post("/packages", server.token(teacher), new JsonObject()
      .put("student_id", student).put("teacher_id", teacher).put("lessons", 3)), 201);
    seed.schedule(teacher, red.sessions.vyoma.support.Schedules.schedule(BERLIN.getId(),
      red.sessions.vyoma.support.Schedules.everyDay("09:00", "12:00"), new JsonArray(),
      red.sessions.vyoma.support.Schedules.rules(60, 10, 30, 365)));
    ZonedDateTime start = LocalDate.now(BERLIN).plusDays(10).atTime(10, 0).atZone(BERLIN);
    assertJson(server.api().post("/series", server.token(student), new JsonObject()
      .put("student_id", student).put("teacher_id", teacher)
      .put("start_time", start.toOffsetDateTime().toString()).put("end_time", start.plusHours(1).toOffsetDateTime().toString())
      .put("time_zone", BERLIN.getId()).put("interval_weeks", 1).put("count", 2).put("mode", "partial")), 201);
    String completed = seed.completedBooking(student, teacher, 200);
    seed.review(completed, student, 5);
    return new Scene(student, teacher, kept, teachersShared, teachersOwn, note, teachersNote);
  }

  private static JsonObject request(TestServer server, String token, String userId) {
    return assertJson(server.api().post("/profiles/" + userId + "/export", token, null), 202);
  }

  private static JsonObject ready(TestServer server, String token, String exportId) {
    JsonObject export = Wait.poll(WITHIN, Duration.ofMillis(100),
      () -> assertJson(server.api().get("/exports/" + exportId, token), 200),
      read -> !"pending".equals(read.getString("status")));
    assertEquals("ready", export.getString("status"), export::encodePrettily);
    return export;
  }

  /** The ZIP's entries by name, downloaded from the URL alone (no token). */
  private static Map<String, byte[]> download(TestServer server, String url) {
    WebClient client = server.client(new WebClientOptions().setFollowRedirects(false).setIdleTimeout(30));
    try {
      HttpResponse<Buffer> response = client.getAbs(url).send().await();
      assertEquals(200, response.statusCode(), () -> url + ": " + response.bodyAsString());
      assertTrue(response.getHeader("Content-Type").startsWith("application/zip"), response.getHeader("Content-Type"));
      Map<String, byte[]> entries = new LinkedHashMap<>();
      try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(response.body().getBytes()))) {
        for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
          entries.put(entry.getName(), zip.readAllBytes());
        }
      }
      return entries;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      client.close();
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String text(Map<String, byte[]> entries, String name) {
    assertTrue(entries.containsKey(name), () -> name + " in " + entries.keySet());
    return new String(entries.get(name), StandardCharsets.UTF_8);
  }

  /** The last path segments of a file URL, {@code <id>/<name>}: its entry under {@code files/}. */
  private static String fileEntry(String fileUrl) {
    String[] parts = fileUrl.split("/");
    return "files/" + parts[parts.length - 2] + "/" + parts[parts.length - 1];
  }

  private static void exportHoldsEverythingOfTheUserAndNothingPrivateOfTheOtherParty(TestServer server) {
    Scene scene = scene(server);
    String token = server.token(scene.student());
    JsonObject pending = request(server, token, scene.student());
    assertEquals("pending", pending.getString("status"));
    JsonObject export = ready(server, token, pending.getString("export_id"));
    assertTrue(export.getLong("size_bytes") > 0);
    Map<String, byte[]> entries = download(server, export.getString("download_url"));

    JsonObject manifest = new JsonObject(text(entries, "manifest.json"));
    assertEquals(scene.student(), manifest.getString("user_id"));
    Map<String, String> listed = new HashMap<>();
    manifest.getJsonArray("entries").forEach(item -> {
      JsonObject entry = (JsonObject) item;
      listed.put(entry.getString("name"), entry.getString("sha256"));
      assertEquals(entries.get(entry.getString("name")).length, entry.getLong("size_bytes"), entry::encode);
    });
    entries.forEach((name, bytes) -> {
      if (!name.equals("manifest.json")) {
        assertEquals(sha256(bytes), listed.get(name), name);
      }
    });
    assertEquals(entries.size() - 1, listed.size(), () -> listed.keySet() + " against " + entries.keySet());
    for (String name : new String[] {"profile.json", "bookings.json", "sessions.json", "reviews.json", "events.json",
      "notifications.json", "calendar.ics"}) {
      assertTrue(entries.containsKey(name), () -> name + " in " + entries.keySet());
    }

    JsonObject profile = new JsonObject(text(entries, "profile.json"));
    assertEquals(scene.student() + "@example.com", profile.getString("email"));
    JsonObject bookings = new JsonObject(text(entries, "bookings.json"));
    assertEquals(4, bookings.getJsonArray("bookings").size(), bookings::encodePrettily);
    assertEquals(1, bookings.getJsonArray("series").size());
    assertEquals(2, bookings.getJsonArray("series").getJsonObject(0).getJsonArray("occurrences").size());
    assertEquals(1, bookings.getJsonArray("packages").size());
    assertNotNull(bookings.getJsonArray("packages").getJsonObject(0).getJsonArray("ledger"));
    JsonArray sessions = new JsonArray(text(entries, "sessions.json"));
    assertEquals(1, sessions.size());
    String sessionText = sessions.encode();
    assertTrue(sessionText.contains(scene.note()) && sessionText.contains(scene.teachersNote()), sessionText);
    JsonArray reviews = new JsonArray(text(entries, "reviews.json"));
    assertEquals(1, reviews.size());
    assertEquals(5, reviews.getJsonObject(0).getInteger("rating"));
    JsonArray events = new JsonArray(text(entries, "events.json"));
    assertTrue(events.stream().map(JsonObject.class::cast).anyMatch(event -> "booking.created".equals(event.getString("type"))),
      events::encodePrettily);
    new JsonArray(text(entries, "notifications.json"));
    String calendar = text(entries, "calendar.ics");
    assertTrue(calendar.startsWith("BEGIN:VCALENDAR\r\n") && calendar.endsWith("END:VCALENDAR\r\n"), calendar);
    assertEquals(4, calendar.split("BEGIN:VEVENT", -1).length - 1, calendar);

    assertTrue(entries.containsKey(fileEntry(scene.ownFile())), () -> entries.keySet().toString());
    assertEquals("%PDF-1.4\n", text(entries, fileEntry(scene.ownFile())));
    assertEquals(2, entries.keySet().stream().filter(name -> name.startsWith("files/")).count(), entries.keySet()::toString);
    assertFalse(entries.containsKey(fileEntry(scene.teachersOwn())));
    assertFalse(entries.containsKey(fileEntry(scene.sharedByTeacher())));
    String everything = entries.values().stream().map(bytes -> new String(bytes, StandardCharsets.UTF_8))
      .reduce("", String::concat);
    assertFalse(everything.contains(scene.teacher() + "@example.com"), "the teacher's email is not the student's to see");
    assertFalse(everything.contains("private-plans"), "the teacher's unshared file is not in it");
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class LocalStore {

    private TestServer server;

    @BeforeAll
    void start() {
      server = startServer(Map.of());
    }

    @AfterAll
    void stop() {
      if (server != null) {
        server.close();
      }
    }

    @Test
    void exportHoldsEverythingOfTheUserAndNothingPrivateOfTheOtherParty() {
      ExportsTest.exportHoldsEverythingOfTheUserAndNothingPrivateOfTheOtherParty(server);
    }

    @Test
    void onlyTheUserAndAdminsReachAnExport() {
      String student = server.seed().student();
      String stranger = server.seed().student();
      assertError(server.api().post("/profiles/" + student + "/export", server.token(stranger), null), 403);
      String exportId = request(server, server.token(student), student).getString("export_id");
      assertError(server.api().get("/exports/" + exportId, server.token(stranger)), 403);
      assertEquals(student, assertJson(server.api().get("/exports/" + exportId,
        server.adminToken("admin-" + UUID.randomUUID())), 200).getString("user_id"));
      assertError(server.api().get("/exports", server.token(student)), 403);
      JsonArray all = new JsonArray(server.api().get("/exports?limit=500", server.adminToken("admin-" + UUID.randomUUID()))
        .bodyAsString());
      assertTrue(all.stream().map(JsonObject.class::cast).anyMatch(export -> exportId.equals(export.getString("export_id"))));
      ready(server, server.token(student), exportId);
    }

    @Test
    void badInputIsRefusedAndChangesNothing() {
      String admin = server.adminToken("admin-" + UUID.randomUUID());
      assertError(server.api().get("/exports/not-a-uuid", admin), 400);
      assertError(server.api().get("/exports/" + UUID.randomUUID(), admin), 404);
      assertError(server.api().get("/exports?limit=0", admin), 400);
      String nobody = "nobody-" + UUID.randomUUID();
      assertError(server.api().post("/profiles/" + nobody + "/export", server.token(nobody), null), 404);
    }

    @Test
    void aSignedDownloadUrlChangedOrWithoutItsSignatureIsRefused() {
      String student = server.seed().student();
      String token = server.token(student);
      String url = ready(server, token, request(server, token, student).getString("export_id")).getString("download_url");
      WebClient client = server.client(new WebClientOptions().setFollowRedirects(false));
      try {
        assertError(client.getAbs(url.replace("name=", "name=x")).send().await(), 403);
        assertError(client.getAbs(url.replaceFirst("expires=\\d+", "expires=1")).send().await(), 403);
        assertError(client.getAbs(url.replaceFirst("\\?.*", "")).send().await(), 403);
      } finally {
        client.close();
      }
    }
  }

  /** A node that builds no exports: what it is asked for stays pending while no other node runs. */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class WhileOneIsBuilt {

    private TestServer server;

    @BeforeAll
    void start() {
      server = startServer(Map.of("VYOMA_EXPORTS_BUILD", "false"));
    }

    @AfterAll
    void stop() {
      if (server != null) {
        server.close();
      }
    }

    @Test
    void aSecondRequestAnswersTheSameExport() {
      String student = server.seed().student();
      JsonObject first = request(server, server.token(student), student);
      JsonObject again = request(server, server.adminToken("admin-" + UUID.randomUUID()), student);
      assertEquals(first.getString("export_id"), again.getString("export_id"));
      assertEquals("pending", again.getString("status"));
      assertEquals(student, again.getString("requested_by"), "the running one, as its user asked for it");
      JsonObject read = assertJson(server.api().get("/exports/" + first.getString("export_id"), server.token(student)), 200);
      assertEquals("pending", read.getString("status"));
      assertNull(read.getString("download_url"));
    }
  }

  /**
   * A node that keeps exports no time at all, sweeping every second; the only server running while its test does (the
   * servers of this class run one nested class at a time), so it sweeps no other test's exports.
   */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class ShortKeep {

    private TestServer shortKeep;
    private Path shortKeepData;

    @BeforeAll
    void start() {
      shortKeepData = TestServer.temporaryDirectory();
      shortKeep = startServer(Map.of("VYOMA_EXPORTS_KEEP_HOURS", "0", "VYOMA_EXPORTS_SWEEP_INTERVAL_SECONDS", "1",
        "VYOMA_DATA_DIR", shortKeepData.toString()));
    }

    @AfterAll
    void stop() {
      if (shortKeep != null) {
        shortKeep.close();
      }
    }

    @Test
    void anExportIsDeletedAfterTheKeepPeriod() throws IOException {
      String student = shortKeep.seed().student();
      String token = shortKeep.token(student);
      String exportId = request(shortKeep, token, student).getString("export_id");
      JsonObject expired = Wait.poll(WITHIN, Duration.ofMillis(100),
        () -> assertJson(shortKeep.api().get("/exports/" + exportId, token), 200),
        read -> "expired".equals(read.getString("status")) || "failed".equals(read.getString("status")));
      assertEquals("expired", expired.getString("status"), expired::encodePrettily);
      assertNull(expired.getString("download_url"));
      assertNotNull(expired.getString("expired_at"));
      Path exports = shortKeepData.resolve("files").resolve("exports");
      try (Stream<Path> left = Files.exists(exports) ? Files.walk(exports) : Stream.empty()) {
        assertEquals(0, left.filter(Files::isRegularFile).count(), "the ZIP is gone from the store");
      }
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class S3Store {

    private S3ProxyServer s3;
    private TestServer server;

    @BeforeAll
    void start() {
      s3 = S3ProxyServer.start("vyoma-exports-" + UUID.randomUUID().toString().substring(0, 8));
      S3ProxyServer.useCredentials();
      server = startServer(s3.storageSettings());
      assertEquals("s3", server.config().storage().getString("provider"));
    }

    @AfterAll
    void stop() {
      if (server != null) {
        server.close();
      }
      if (s3 != null) {
        s3.close();
      }
    }

    @Test
    void exportHoldsEverythingOfTheUserAndNothingPrivateOfTheOtherParty() {
      ExportsTest.exportHoldsEverythingOfTheUserAndNothingPrivateOfTheOtherParty(server);
    }

    @Test
    void theZipIsAnObjectOfTheBucketReadFromAPreSignedUrl() {
      String student = server.seed().student();
      String token = server.token(student);
      String exportId = request(server, token, student).getString("export_id");
      String url = ready(server, token, exportId).getString("download_url");
      assertTrue(url.startsWith(s3.endpoint() + "/" + s3.bucket() + "/exports/"), url);
      assertTrue(url.contains("X-Amz-Expires=3600"), url);
      String key = url.substring((s3.endpoint() + "/" + s3.bucket() + "/").length(), url.indexOf('?'));
      assertTrue(s3.exists(key));
    }
  }
}
