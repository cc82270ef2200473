package red.sessions.vyoma;

import ch.qos.logback.classic.LoggerContext;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import red.sessions.vyoma.auth.DevKeys;
import red.sessions.vyoma.auth.DevTokens;
import red.sessions.vyoma.auth.TokenVerifier;
import red.sessions.vyoma.platform.AppConfig;
import red.sessions.vyoma.platform.Cluster;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code java -jar vyoma.jar [--conf FILE]} runs the server until SIGTERM;
 * {@code java -jar vyoma.jar token --sub USER [--admin] [--ttl SECONDS] [--conf FILE]} prints a token
 * signed with the local development key, alone on stdout (logs go to stderr).
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);
  private static final String USAGE = """
    usage: java -jar vyoma.jar [--conf FILE] [--cluster]
           java -jar vyoma.jar token --sub USER_ID [--admin] [--ttl SECONDS] [--conf FILE]""";

  private Main() {
  }

  public static void main(String[] args) {
    Deque<String> arguments = new ArrayDeque<>(List.of(args));
    boolean token = "token".equals(arguments.peekFirst());
    if (token) {
      arguments.removeFirst();
    }
    Map<String, String> options = new HashMap<>();
    try {
      Set<String> allowed = token ? Set.of("--conf", "--sub", "--admin", "--ttl") : Set.of("--conf", "--cluster");
      while (!arguments.isEmpty()) {
        String option = arguments.removeFirst();
        if (option.equals("--help") || option.equals("-h")) {
          System.out.println(USAGE);
          return;
        }
        if (!allowed.contains(option)) {
          throw new IllegalArgumentException("unknown option " + option);
        }
        boolean flag = option.equals("--admin") || option.equals("--cluster");
        if (!flag && arguments.isEmpty()) {
          throw new IllegalArgumentException(option + " needs a value");
        }
        options.put(option, flag ? "true" : arguments.removeFirst());
      }
      if (token) {
        System.exit(printToken(options.get("--conf"), subject(options), options.containsKey("--admin"), ttl(options)));
      }
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
    }
    if (!serve(options.get("--conf"), options.containsKey("--cluster"))) {
      System.exit(1);
    }
  }

  private static String subject(Map<String, String> options) {
    String subject = options.get("--sub");
    if (subject == null || subject.isBlank()) {
      throw new IllegalArgumentException("token needs --sub USER_ID");
    }
    return subject;
  }

  private static Integer ttl(Map<String, String> options) {
    String ttl = options.get("--ttl");
    if (ttl == null) {
      return null;
    }
    try {
      int seconds = Integer.parseInt(ttl);
      if (seconds > 0) {
        return seconds;
      }
    } catch (NumberFormatException notANumber) {
      // reported below
    }
    throw new IllegalArgumentException("--ttl must be a positive number of seconds");
  }

  private static int printToken(String conf, String subject, boolean admin, Integer ttl) {
    Vertx vertx = Vertx.vertx();
    try {
      AppConfig config = AppConfig.load(vertx, conf, System.getenv()).await();
      if (TokenVerifier.usesExternalIssuer(config.auth())) {
        System.err.println("This server verifies tokens from an external issuer (auth.jwks_url or auth.public_key_pem);"
          + " get a token from that issuer instead.");
        return 1;
      }
      DevKeys keys = DevKeys.loadOrCreate(config.dataDir());
      int seconds = ttl != null ? ttl : config.auth().getInteger("dev_token_ttl_seconds");
      System.out.println(new DevTokens(vertx, keys, config.auth()).mint(subject, admin, seconds));
      return 0;
    } catch (Exception e) {
      LOG.error("Could not mint a token", e);
      return 1;
    } finally {
      vertx.close().await();
    }
  }

  /**
   * Starts the server and returns; Vert.x's threads keep the JVM running until SIGTERM. With
   * {@code --cluster} (or {@code cluster.enabled}) the node joins the Hazelcast cluster first.
   */
  private static boolean serve(String conf, boolean clusterFlag) {
    Vertx vertx = null;
    Application application;
    try {
      AppConfig config = AppConfig.loadBeforeVertx(conf, System.getenv());
      Cluster cluster = null;
      if (clusterFlag || config.cluster().getBoolean("enabled")) {
        cluster = Cluster.join(config.cluster(), config.vertxOptions()).await();
        vertx = cluster.vertx();
        LOG.info("Joined the cluster: {}", cluster.status().encode());
      } else {
        vertx = Vertx.vertx(config.vertxOptions());
      }
      application = Application.start(vertx, config, cluster).await();
      LOG.info("Get a token to call the API: java -jar target/vyoma.jar token --sub <user_id> [--admin]");
    } catch (Exception e) {
      LOG.error("Vyoma 1:1 could not start: {}", e.getMessage(), e);
      if (vertx != null) {
        vertx.close().await();
      }
      return false;
    }
    Vertx running = vertx;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("Stopping: finishing requests in flight");
      application.stop().eventually(running::close).await();
      LOG.info("Stopped");
      // The access log's thread writes what it still holds before the JVM ends (logback.xml).
      if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logs) {
        logs.stop();
      }
    }, "vyoma-shutdown"));
    return true;
  }
}
