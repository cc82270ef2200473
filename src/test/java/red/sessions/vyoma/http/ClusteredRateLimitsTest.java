package red.sessions.vyoma.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import red.sessions.vyoma.support.Node;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.support.Api.assertError;

/**
 * Rate limits of two clustered nodes (the jar's main class in JVMs of their own, Hazelcast on loopback): a
 * caller's bucket is the cluster's, whichever node a request reaches. The buckets refill one token a
 * minute, so nothing refills them while a test runs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusteredRateLimitsTest {

  private static final int BURST = 60;
  /** Large enough for each node to take several tokens between two round trips to the cluster. */
  private static final int ADDRESS_BURST = 1000;

  private static Node a;
  private static Node b;

  @BeforeAll
  static void startTwoNodes() {
    List<Node> nodes = Node.twoMembers(Map.of(
      "VYOMA_RATE_LIMITS_USER_BURST", String.valueOf(BURST),
      "VYOMA_RATE_LIMITS_USER_PER_MINUTE", "1",
      "VYOMA_RATE_LIMITS_ADDRESS_BURST", String.valueOf(ADDRESS_BURST),
      "VYOMA_RATE_LIMITS_ADDRESS_PER_MINUTE", "1"));
    a = nodes.get(0);
    b = nodes.get(1);
  }

  @AfterAll
  static void stopNodes() {
    Node.kill(Arrays.asList(a, b));
  }

  /**
   * Sends {@code count} profile reads of the user, taking turns between the nodes; each is 200 or a 429 in
   * the error shape. Returns how many were served.
   */
  private static int read(String user, int count, Node... nodes) {
    int served = 0;
    for (int i = 0; i < count; i++) {
      Node node = nodes[i % nodes.length];
      HttpResponse<Buffer> response = node.api().get("/profiles?user_id=" + user, node.token(user));
      if (response.statusCode() == 200) {
        served++;
      } else {
        assertEquals("too_many_requests", assertError(response, 429).getString("error"));
        assertEquals(String.valueOf(BURST), response.getHeader("RateLimit-Limit"));
      }
    }
    return served;
  }

  /** At least the limit, and not more than 10 % over it. */
  private static void assertServedTheLimit(int served, int limit) {
    assertTrue(served >= limit && served <= limit + limit / 10, () -> served + " requests served for a limit of " + limit);
  }

  @Test
  @Order(1)
  void aUsersLimitHoldsAcrossTheClusterWhicheverNodeServes() {
    // Creating the profile, on node a, took the first token.
    String user = a.seed().student();
    int served = 1 + read(user, 2 * BURST, b, a);
    assertServedTheLimit(served, BURST);
  }

  @Test
  @Order(2)
  void manyRequestsAtOnceOnBothNodesStayWithinTheLimit() throws InterruptedException, ExecutionException {
    // Failed authentications take from the client address's bucket: every request of this test comes from
    // 127.0.0.1, sixteen at a time, half of them to each node.
    ExecutorService clients = Executors.newFixedThreadPool(16);
    try {
      List<Future<Integer>> statuses = new ArrayList<>();
      for (int i = 0; i < 2 * ADDRESS_BURST; i++) {
        Node node = i % 2 == 0 ? a : b;
        statuses.add(clients.submit(() -> node.api().get("/bookings", "not-a-token").statusCode()));
      }
      int refusedAuthentications = 0;
      for (Future<Integer> status : statuses) {
        int code = status.get();
        assertTrue(code == 401 || code == 429, () -> "status " + code);
        refusedAuthentications += code == 401 ? 1 : 0;
      }
      assertServedTheLimit(refusedAuthentications, ADDRESS_BURST);
    } finally {
      clients.shutdownNow();
    }
  }

  @Test
  @Order(3)
  void whenANodeLeavesTheOtherStillLimitsWithTheClustersBuckets() {
    String spent = a.seed().student();
    assertServedTheLimit(1 + read(spent, 2 * BURST, a, b), BURST);
    String fresh = a.seed().student();
    int servedBefore = 1 + read(fresh, BURST / 2, a, b);

    assertEquals(143, b.stop(), "node b ended through its SIGTERM shutdown");
    a.awaitReady(1);

    assertEquals(0, read(spent, 5, a), "the spent bucket is still spent");
    int served = servedBefore + read(fresh, BURST, a);
    assertServedTheLimit(served, BURST);
  }
}
