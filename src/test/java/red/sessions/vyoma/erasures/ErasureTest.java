package red.sessions.vyoma.erasures;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import red.sessions.vyoma.support.S3ProxyServer;
import red.sessions.vyoma.support.Seed;
import red.sessions.vyoma.support.TestServer;
import red.sessions.vyoma.support.Wait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.support.Api.assertError;
import static red.sessions.vyoma.support.Api.assertJson;

/**
 * A student erased in the middle of a confirmed lesson's week, over real HTTP, with files in the local store and in
 * S3 (S3Proxy): the teacher's history still reads, with "Deleted user"; the student's files answer 404 and are gone
 * from the store; the lesson to come is cancelled; their review goes and the teacher's rating is the other
 * student's; their tokens are refused; and nothing of their name or email is left in any text column of the
 * database.
 */
class ErasureTest {

  /** Every text, JSON and text-array column of every table, as (table, column). */
  private static final String TEXT_COLUMNS = """
    SELECT c.table_name, c.column_name FROM information_schema.columns c
      JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
     WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
       AND (c.data_type IN ('text', 'character varying', 'jsonb', 'json') OR c.udt_name = '_text')""";

  /** The tables and columns where the text occurs, compared as text, case-insensitively. */
  static List<String> whereInDatabase(String text) {
    List<String> found = new ArrayList<>();
    try (Connection db = DriverManager.getConnection(TestServer.sharedJdbcUrl());
         PreparedStatement columns = db.prepareStatement(TEXT_COLUMNS);
         ResultSet each = columns.executeQuery()) {
      while (each.next()) {
        String table = each.getString(1);
        String column = each.getString(2);
        try (PreparedStatement probe = db.prepareStatement(
          "SELECT count(*) FROM \"" + table + "\" WHERE \"" + column + "\"::text ILIKE '%' || ? || '%'")) {
          probe.setString(1, text);
          try (ResultSet count = probe.executeQuery()) {
            count.next();
            if (count.getLong(1) > 0) {
              found.add(table + "." + column);
            }
          }
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return found;
  }

  /** A student whose name and email no other test uses, so that the whole database can be searched for them. */
  record Person(String userId, String name, String email) {
  }

  static Person student(TestServer server) {
    String tag = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    Person person = new Person("student-" + UUID.randomUUID(), "Erin Qx" + tag, "erin.q" + tag + "@erase.test");
    assertJson(server.api().post("/profiles", server.token(person.userId()), new JsonObject()
      .put("user_id", person.userId()).put("role", "student")
      .put("profile_data", new JsonObject().put("name", person.name()).put("email", person.email()))), 201);
    return person;
  }

  static JsonObject erasure(TestServer server, String id) {
    return assertJson(server.api().get("/erasures/" + id, server.adminToken("erasure-admin")), 200);
  }

  /**
   * The whole scenario on one server; {@code stored} tells whether the store holds an object at a key.
   */
  static void studentErasedMidWeek(TestServer server, Predicate<String> stored) {
    Seed seed = server.seed();
    String topic = Seed.madeUpWord();
    String teacher = seed.teacher(topic);
    Person student = student(server);
    String studentToken = server.token(student.userId());
    String past = seed.completedBooking(student.userId(), teacher, 1);
    seed.review(past, student.userId(), 5);
    seed.rated(teacher, 3, 2);
    seed.slot(teacher, Seed.hoursAhead(5), Seed.hoursAhead(6));
    String coming = seed.booking(student.userId(), teacher, Seed.hoursAhead(5), Seed.hoursAhead(6));
    assertJson(server.api().send(HttpMethod.PATCH, "/bookings/" + coming, server.token(teacher),
      new JsonObject().put("status", "confirmed")), 200);
    String session = assertJson(server.api().post("/sessions", studentToken,
      new JsonObject().put("booking_id", coming)), 201).getString("session_id");
    String lessons = assertJson(server.api().post("/packages", server.token(teacher), new JsonObject()
      .put("student_id", student.userId()).put("teacher_id", teacher).put("lessons", 3)), 201).getString("package_id");
    String shared = seed.fileUrl(student.userId(), "homework.pdf");
    String unshared = seed.fileUrl(student.userId(), "draft.pdf");
    assertJson(server.api().send(HttpMethod.PUT, "/sessions/" + session, studentToken, new JsonObject()
      .put("notes", new JsonArray().add(new JsonObject().put("text", "Signed, " + student.name())))
      .put("files", new JsonArray().add(new JsonObject().put("name", "homework.pdf").put("url", shared)))), 200);
    String base = server.config().storage().getString("base_url");
    String sharedKey = shared.substring(base.length());
    String unsharedKey = unshared.substring(base.length());
    assertTrue(stored.test(sharedKey) && stored.test(unsharedKey));
    assertEquals(3.5, searched(server, teacher, topic).getDouble("rating"));
    List<String> named = whereInDatabase(student.name());
    assertTrue(named.containsAll(List.of("profiles.name", "session_notes.text")), () -> "the search finds them: " + named);
    assertEquals(List.of("profiles.email"), whereInDatabase(student.email()));

    JsonObject accepted = assertJson(server.api().send(HttpMethod.DELETE, "/profiles/" + student.userId(),
      studentToken, null), 202);
    String id = accepted.getString("erasure_id");
    assertError(server.api().get("/profiles?user_id=" + teacher, studentToken), 401);
    JsonObject again = assertJson(server.api().send(HttpMethod.DELETE, "/profiles/" + student.userId()
      + "?reason=asked%20by%20email", server.adminToken("erasure-admin"), null), 202);
    assertEquals(id, again.getString("erasure_id"), "one erasure per user");

    JsonObject done = Wait.poll(Duration.ofSeconds(30), Duration.ofMillis(100), () -> erasure(server, id),
      job -> "completed".equals(job.getString("status")));
    assertEquals("done", done.getString("step"), done::encode);

    String teacherToken = server.token(teacher);
    JsonObject profile = assertJson(server.api().get("/profiles?user_id=" + student.userId(), teacherToken), 200)
      .getJsonObject("profile");
    assertEquals("Deleted user", profile.getString("name"));
    assertFalse(profile.containsKey("email"));
    assertEquals("completed", assertJson(server.api().get("/bookings/" + past, teacherToken), 200).getString("status"));
    assertEquals("cancelled", assertJson(server.api().get("/bookings/" + coming, teacherToken), 200).getString("status"));
    JsonObject ended = assertJson(server.api().get("/packages/" + lessons, teacherToken), 200);
    assertEquals(0, ended.getInteger("remaining"), ended::encode);
    JsonObject expired = ended.getJsonArray("ledger").getJsonObject(ended.getJsonArray("ledger").size() - 1);
    assertEquals(List.of(-3, "expired"), List.of(expired.getInteger("change"), expired.getString("reason")));
    JsonObject lesson = assertJson(server.api().get("/sessions/" + session, teacherToken), 200);
    assertEquals("[removed]", lesson.getJsonArray("notes").getJsonObject(0).getString("text"));
    assertEquals(new JsonArray(), lesson.getJsonArray("files"));
    assertError(server.api().get("/files/" + sharedKey, teacherToken), 404);
    assertError(server.api().get("/files/" + unsharedKey, server.adminToken("erasure-admin")), 404);
    assertFalse(stored.test(sharedKey), "the shared file is gone from the store");
    assertFalse(stored.test(unsharedKey), "the unshared file is gone from the store");
    assertEquals(2.0, searched(server, teacher, topic).getDouble("rating"), "only the other student's review counts");
    assertError(server.api().get("/profiles?user_id=" + teacher, studentToken), 401);
    assertEquals(List.of(), whereInDatabase(student.name()), "the student's name");
    assertEquals(List.of(), whereInDatabase(student.email()), "the student's email");
  }

  private static JsonObject searched(TestServer server, String teacher, String topic) {
    JsonArray results = new JsonArray(server.api().get("/search/teachers?topic=" + topic, server.token("searcher"))
      .bodyAsString());
    return results.stream().map(JsonObject.class::cast)
      .filter(result -> result.getString("user_id").equals(teacher)).findFirst().orElseThrow();
  }

  /** A server whose file URLs point at itself, as FilesTest starts one. */
  static TestServer startServer(Map<String, String> settings) {
    int port = TestServer.freePort();
    Map<String, String> env = new HashMap<>(settings);
    env.put("VYOMA_HTTP_PORT", String.valueOf(port));
    env.put("VYOMA_STORAGE_BASE_URL", "http://localhost:" + port + "/files/");
    return TestServer.start(env);
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class Local {

    private TestServer server;

    @BeforeAll
    void start() {
      server = startServer(Map.of());
    }

    @AfterAll
    void stop() {
      server.close();
    }

    @Test
    void aStudentErasedMidWeekLeavesTheTeachersHistoryAndNothingOfThemselves() {
      Path files = server.config().dataDir().resolve("files");
      studentErasedMidWeek(server, key -> Files.exists(files.resolve(key)));
    }

    @Test
    void onlyTheUserOrAnAdminErasesAndOnlyAnAdminGivesAReason() {
      String student = server.seed().student();
      String other = server.seed().student();
      assertError(server.api().send(HttpMethod.DELETE, "/profiles/" + student, server.token(other), null), 403);
      assertError(server.api().send(HttpMethod.DELETE, "/profiles/" + student + "?reason=mine",
        server.token(student), null), 403);
      assertError(server.api().send(HttpMethod.DELETE, "/profiles/" + student + "?reason=",
        server.adminToken("erasure-admin"), null), 400);
      assertError(server.api().send(HttpMethod.DELETE, "/profiles/nobody-" + UUID.randomUUID(),
        server.adminToken("erasure-admin"), null), 404);
      assertError(server.api().get("/erasures", server.token(student)), 403);
      assertError(server.api().get("/erasures/not-a-uuid", server.adminToken("erasure-admin")), 400);
      assertError(server.api().get("/erasures/" + UUID.randomUUID(), server.adminToken("erasure-admin")), 404);
      String id = assertJson(server.api().send(HttpMethod.DELETE, "/profiles/" + student, server.token(student), null),
        202).getString("erasure_id");
      assertError(server.api().get("/erasures/" + id, server.token(other)), 403);
      HttpResponse<Buffer> list = server.api().get("/erasures?limit=500", server.adminToken("erasure-admin"));
      assertEquals(200, list.statusCode(), list::bodyAsString);
      JsonArray listed = new JsonArray(list.bodyAsString());
      assertTrue(listed.stream().map(JsonObject.class::cast).anyMatch(job -> job.getString("erasure_id").equals(id)));
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class S3 {

    private S3ProxyServer s3;
    private TestServer server;

    @BeforeAll
    void start() {
      s3 = S3ProxyServer.start("vyoma-erasure-" + UUID.randomUUID().toString().substring(0, 8));
      server = startServer(s3.storageSettings());
    }

    @AfterAll
    void stop() {
      if (server != null) {
        server.close();
      }
      s3.close();
    }

    @Test
    void aStudentErasedMidWeekLeavesNoFileInS3() {
      studentErasedMidWeek(server, s3::exists);
    }
  }
}
