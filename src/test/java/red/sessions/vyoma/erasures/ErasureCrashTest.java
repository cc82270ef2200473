package red.sessions.vyoma.erasures;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import red.sessions.vyoma.support.Node;
import red.sessions.vyoma.support.RowLock;
import red.sessions.vyoma.support.Wait;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.support.Api.assertError;
import static red.sessions.vyoma.support.Api.assertJson;

/**
 * Two clustered nodes, each the real main class in a JVM of its own, on one database. The test holds the student's
 * profile row locked, so the node running the erasure stops inside its second step (blanking the profile); that
 * node is killed there, and the other one takes the job up once its lease has run out and finishes it. The student's
 * tokens are refused at once by the node that accepted the erasure, by the other as soon as the cluster's message
 * reaches it, and by a node started afterwards.
 */
class ErasureCrashTest {

  @Test
  void anErasureWhoseNodeDiesMidStepIsFinishedByAnotherNode() {
    List<Node> nodes = Node.twoMembers(Map.of("VYOMA_ERASURES_LEASE_SECONDS", "5",
      "VYOMA_ERASURES_SWEEP_INTERVAL_SECONDS", "1"));
    try {
      Node a = nodes.get(0);
      Node b = nodes.get(1);
      String student = "student-" + UUID.randomUUID();
      String token = a.token(student);
      assertJson(a.api().post("/profiles", token, new JsonObject().put("user_id", student).put("role", "student")
        .put("profile_data", new JsonObject().put("name", "Crash Qz" + UUID.randomUUID().toString().substring(0, 8))
          .put("email", "crash@erase.test"))), 201);
      String admin = b.adminToken("crash-admin");
      try (RowLock profile = RowLock.on("profiles", "user_id", student)) {
        String id = assertJson(a.api().send(HttpMethod.DELETE, "/profiles/" + student, token, null), 202)
          .getString("erasure_id");
        assertError(a.api().get("/profiles?user_id=" + student, token), 401);
        Wait.eventually(Duration.ofSeconds(10), Duration.ofMillis(50),
          () -> b.api().get("/profiles?user_id=" + student, b.token(student)).statusCode() == 401,
          () -> "the other node never refused the erased user's token");
        profile.awaitWaiting(1);
        JsonObject held = assertJson(b.api().get("/erasures/" + id, admin), 200);
        assertEquals("profile", held.getString("step"), held::encode);
        assertEquals("running", held.getString("status"));
        Node running = a.log().contains("Erasure " + id + ": step cancel done") ? a : b;
        Node other = running == a ? b : a;
        assertTrue(other.log().lines().noneMatch(line -> line.contains("Erasure " + id + ": step")),
          "one node runs the job");
        running.kill();
        profile.release();
        JsonObject done = Wait.poll(Duration.ofSeconds(60), Duration.ofMillis(200),
          () -> assertJson(other.api().get("/erasures/" + id, other.adminToken("crash-admin")), 200),
          job -> "completed".equals(job.getString("status")));
        assertEquals("done", done.getString("step"), done::encode);
        assertEquals(2, done.getInteger("attempts"), "taken up again once, by the other node");
        assertTrue(other.log().contains("Erasure " + id + ": step content done"), "finished by the other node");
        assertEquals("Deleted user", assertJson(other.api().get("/profiles?user_id=" + student,
          other.adminToken("crash-admin")), 200).getJsonObject("profile").getString("name"));
        running.restart().awaitReady(2);
        assertError(running.api().get("/profiles?user_id=" + student, running.token(student)), 401);
      }
    } finally {
      nodes.forEach(Node::stop);
    }
  }
}
