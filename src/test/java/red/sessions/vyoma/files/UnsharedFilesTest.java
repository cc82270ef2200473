package red.sessions.vyoma.files;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
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
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.support.Api.assertJson;

/**
 * Retention of files no session shares, with a sweep every second and a retention of one day: files are made
 * older in the test database, as if that time had passed. An upload URL never used leaves no file an hour after it
 * expired; an uploaded file kept unshared past its retention goes with its object; an uploaded file younger than
 * that, and a shared file however old, stay.
 */
class UnsharedFilesTest {

  private static void age(String key, String interval) {
    TestServer.changeOne("UPDATE files SET created_at = created_at - ?::interval WHERE key = ?", interval, key);
  }

  private static boolean issued(String key) {
    try (Connection db = DriverManager.getConnection(TestServer.sharedJdbcUrl());
         PreparedStatement find = db.prepareStatement("SELECT 1 FROM files WHERE key = ?")) {
      find.setString(1, key);
      try (ResultSet row = find.executeQuery()) {
        return row.next();
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void unusedUploadUrlsAndLongUnsharedFilesLeaveNoFile() {
    int port = TestServer.freePort();
    Map<String, String> env = new HashMap<>(Map.of("VYOMA_HTTP_PORT", String.valueOf(port),
      "VYOMA_STORAGE_BASE_URL", "http://localhost:" + port + "/files/",
      "VYOMA_STORAGE_UNSHARED_RETENTION_DAYS", "1", "VYOMA_RETENTION_SWEEP_INTERVAL_SECONDS", "1"));
    try (TestServer server = TestServer.start(env)) {
      String base = server.config().storage().getString("base_url");
      Path store = server.config().dataDir().resolve("files");
      Seed.Lesson lesson = server.seed().lesson(2);
      String student = lesson.studentId();
      String kept = server.seed().fileUrl(student, "kept.pdf").substring(base.length());
      String old = server.seed().fileUrl(student, "old.pdf").substring(base.length());
      String sharedUrl = server.seed().fileUrl(student, "shared.pdf");
      String shared = sharedUrl.substring(base.length());
      String unused = assertJson(server.api().post("/presigned-url", server.token(student),
        new JsonObject().put("file_name", "unused.pdf").put("content_type", "application/pdf")), 200)
        .getString("file_url").substring(base.length());
      assertJson(server.api().send(HttpMethod.PUT, "/sessions/" + lesson.sessionId(), server.token(student),
        new JsonObject().put("files", new JsonArray().add(new JsonObject().put("name", "shared.pdf").put("url", sharedUrl)))),
        200);
      age(kept, "2 hours");
      age(unused, "2 hours");
      age(old, "2 days");
      age(shared, "2 days");

      Wait.poll(Duration.ofSeconds(30), Duration.ofMillis(100), () -> issued(old) || issued(unused), left -> !left);
      assertFalse(issued(old), "an uploaded file kept unshared past its retention goes");
      assertFalse(issued(unused), "an upload URL never used leaves no file");
      assertFalse(Files.exists(store.resolve(old)), "the old unshared file's object went with it");
      assertTrue(issued(kept) && Files.exists(store.resolve(kept)), "a younger unshared file stays");
      assertTrue(issued(shared) && Files.exists(store.resolve(shared)), "a shared file stays");
      assertEquals(200, server.api().request(HttpMethod.GET, "/files/" + shared).bearerTokenAuthentication(
        server.token(lesson.teacherId())).send().await().statusCode());
    }
  }
}
