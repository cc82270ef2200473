package red.sessions.vyoma.support;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import red.sessions.vyoma.auth.DevTokens;
import red.sessions.vyoma.platform.AppConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * One clustered node: {@code Main --cluster} in a JVM of its own, as an operator starts it, reached over
 * HTTP on loopback. Tokens are signed with the development key of the data directory the node uses.
 */
public final class Node implements Client {

  private static final Vertx VERTX = Vertx.vertx();
  private static final long PROBE_TIMEOUT_MS = 5_000;

  private final String name;
  private final Map<String, String> env;
  private final List<String> jvmOptions;
  private final Path log;
  private final WebClient client;
  private final DevTokens tokens;
  private Process process;

  private Node(String name, Map<String, String> env, List<String> jvmOptions) throws IOException {
    this.name = name;
    this.env = env;
    this.jvmOptions = jvmOptions;
    Path dataDir = Path.of(env.get("VYOMA_DATA_DIR"));
    this.log = Files.createTempFile("vyoma-node-" + name, ".log");
    int port = Integer.parseInt(env.get("VYOMA_HTTP_PORT"));
    this.client = ResponseContract.checking(WebClient.create(VERTX, new WebClientOptions().setDefaultHost("127.0.0.1")
      .setDefaultPort(port).setFollowRedirects(false), new PoolOptions().setHttp1MaxSize(50)), port,
      Integer.parseInt(env.getOrDefault("VYOMA_METRICS_PORT", "0")));
    JsonObject auth = AppConfig.load(VERTX, null, Map.of()).await().auth();
    this.tokens = new DevTokens(VERTX, TestServer.devKeys(dataDir), auth);
  }

  /**
   * What a node alone in a cluster of its own needs, on the shared database: a data directory, an HTTP port
   * and a cluster name and port of its own. Mutable, for the test to add its settings.
   */
  public static Map<String, String> alone() {
    int clusterPort = TestServer.freePort();
    Map<String, String> env = new HashMap<>(Map.of(
      "VYOMA_DB_URL", TestServer.sharedDatabaseUrl(),
      "VYOMA_DATA_DIR", TestServer.temporaryDirectory().toString(),
      "VYOMA_CLUSTER_NAME", "vyoma-test-" + UUID.randomUUID(),
      "VYOMA_CLUSTER_MEMBERS", "127.0.0.1:" + clusterPort,
      "VYOMA_CLUSTER_PORT", String.valueOf(clusterPort)));
    return member(env, "VYOMA_CLUSTER_PORT", clusterPort);
  }

  /** A member's settings: the cluster's, with {@code portKey} set to the member's own port and an HTTP port of its own. */
  public static Map<String, String> member(Map<String, String> cluster, String portKey, int port) {
    Map<String, String> node = new HashMap<>(cluster);
    node.put(portKey, String.valueOf(port));
    node.put("VYOMA_HTTP_PORT", String.valueOf(TestServer.freePort()));
    return node;
  }

  /**
   * Two members of a cluster of their own on the shared database, with the given settings added, both ready:
   * one HTTP and one domain instance each, on two CPUs as on the machines we run on, whatever this one has
   * (there ForkJoinPool's common pool has a single thread, which is when Hazelcast would start a thread per
   * callback: Cluster). When one does not come up, neither is left running.
   */
  public static List<Node> twoMembers(Map<String, String> settings) {
    int portA = TestServer.freePort();
    int portB = TestServer.freePort();
    Map<String, String> cluster = new HashMap<>(Map.of(
      "VYOMA_DB_URL", TestServer.sharedDatabaseUrl(),
      "VYOMA_DATA_DIR", TestServer.temporaryDirectory().toString(),
      "VYOMA_CLUSTER_NAME", "vyoma-test-" + UUID.randomUUID(),
      "VYOMA_CLUSTER_MEMBERS", "127.0.0.1:" + portA + ",127.0.0.1:" + portB,
      "VYOMA_HTTP_INSTANCES", "1",
      "VYOMA_DOMAIN_INSTANCES", "1",
      "JAVA_TOOL_OPTIONS", "-XX:ActiveProcessorCount=2"));
    cluster.putAll(settings);
    List<Node> nodes = List.of(start("a", member(cluster, "VYOMA_CLUSTER_PORT", portA)),
      start("b", member(cluster, "VYOMA_CLUSTER_PORT", portB)));
    try {
      nodes.forEach(node -> node.awaitReady(2));
    } catch (AssertionError | RuntimeException notUp) {
      kill(nodes);
      throw notUp;
    }
    return nodes;
  }

  /** SIGKILL to each node that was started (null ones are skipped). */
  public static void kill(List<Node> nodes) {
    nodes.stream().filter(Objects::nonNull).forEach(Node::kill);
  }

  /** Starts the node; {@link #awaitReady} waits for it to serve. */
  public static Node start(String name, Map<String, String> env) {
    return start(name, env, List.of());
  }

  /** The same, with these options for its JVM. */
  public static Node start(String name, Map<String, String> env, List<String> jvmOptions) {
    try {
      Map<String, String> settings = TestServer.generousRateLimits();
      settings.putAll(env);
      Node node = new Node(name, settings, jvmOptions);
      node.launch();
      return node;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void launch() throws IOException {
    process = JavaProcess.start(jvmOptions, env, log, "--cluster");
  }

  /**
   * Waits until the node is ready and sees the given number of cluster members. A node that never gets there is
   * killed before the failure is thrown: the test never got its handle to stop it, and a JVM whose start failed after
   * joining Hazelcast keeps running on Hazelcast's threads, a member of the test cluster.
   */
  public Node awaitReady(int members) {
    try {
      Wait.eventually(Duration.ofSeconds(120), Duration.ofMillis(500), () -> readiness(members), Readiness::ready,
        last -> "node " + name + " not ready with " + members + " members; last answer: " + last.answer());
    } catch (AssertionError notReady) {
      kill();
      throw notReady;
    }
    return this;
  }

  /** Whether the node serves, seeing that many members, and what it answered (or why it did not). */
  private record Readiness(boolean ready, String answer) {
  }

  private Readiness readiness(int members) {
    if (!process.isAlive()) {
      throw new AssertionError("node " + name + " exited: " + log());
    }
    try {
      // Bounded: a request the node never answers fails and is asked again instead of holding the test forever (seen
      // once, before the server recorded its own request metrics: Vert.x's left a connection taken the moment the
      // node began to listen unanswered).
      HttpResponse<Buffer> ready = client.get("/health/ready").timeout(PROBE_TIMEOUT_MS).send().await();
      return new Readiness(ready.statusCode() == 200
        && ready.bodyAsJsonObject().getJsonObject("checks").getJsonObject("cluster").getInteger("members") == members,
        ready.bodyAsString());
    } catch (Exception notYetListening) {
      return new Readiness(false, notYetListening.toString());
    }
  }

  /** SIGKILL: the node dies at once, leaving the cluster to notice. */
  public void kill() {
    process.destroyForcibly();
    waitForExit();
  }

  /** SIGTERM: the node finishes its requests and leaves the cluster; returns its exit code. */
  public int stop() {
    process.destroy();
    return waitForExit();
  }

  public Node restart() {
    try {
      launch();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private int waitForExit() {
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        throw new AssertionError("node " + name + " did not stop: " + log());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public Api api() {
    return new Api(client);
  }

  @Override
  public String token(String userId) {
    return tokens.mint(userId, false, 3600);
  }

  public String adminToken(String userId) {
    return tokens.mint(userId, true, 3600);
  }
}
