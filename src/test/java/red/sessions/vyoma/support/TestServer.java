package red.sessions.vyoma.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import red.sessions.vyoma.Application;
import red.sessions.vyoma.auth.DevKeys;
import red.sessions.vyoma.auth.DevTokens;
import red.sessions.vyoma.platform.AppConfig;
import red.sessions.vyoma.platform.Cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.SocketException;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The real server for a test class: the same {@link Application} the jar runs, on its own Vert.x
 * instance (one application per instance, as in production, so servers never share an event bus), on a
 * free port, with its own data directory (so its own development key), configured through
 * {@code VYOMA_*} variables.
 * Unless a test asks for the embedded default, every server shares one PostgreSQL started once per
 * test JVM, reached through {@code db.url} as an external database would be.
 */
public final class TestServer implements Client, AutoCloseable {

  private static EmbeddedPostgres sharedDatabase;

  private final Vertx vertx;
  private final Application application;
  private final AppConfig config;
  private final WebClient client;
  private final DevTokens tokens;

  private TestServer(Vertx vertx, Application application, AppConfig config, DevTokens tokens) {
    this.vertx = vertx;
    this.application = application;
    this.config = config;
    this.tokens = tokens;
    // Enough connections that concurrency tests really send their requests at once.
    this.client = client(new WebClientOptions().setDefaultHost("localhost").setDefaultPort(config.http().getInteger("port")),
      new PoolOptions().setHttp1MaxSize(100));
  }

  /**
   * A client of its own for tests that need other options (TLS, absolute URLs); like {@link #api()}'s, it
   * holds every answer from this server's ports to the contract ({@link ResponseContract}), and so never
   * follows a redirect itself, which would hide the redirect from the check.
   */
  public WebClient client(WebClientOptions options) {
    return client(options, new PoolOptions());
  }

  private WebClient client(WebClientOptions options, PoolOptions pool) {
    return ResponseContract.checking(WebClient.create(vertx, new WebClientOptions(options).setFollowRedirects(false), pool),
      config.http().getInteger("port"), config.metrics().getInteger("port"));
  }

  /** A server on the shared database, with the given {@code VYOMA_*} settings on top of the defaults. */
  public static TestServer start(Map<String, String> settings) {
    Map<String, String> env = new HashMap<>();
    env.put("VYOMA_DB_URL", sharedDatabaseUrl());
    env.putAll(settings);
    return startWith(env);
  }

  public static TestServer start() {
    return start(Map.of());
  }

  /** A server as {@code java -jar} runs it by default: embedded PostgreSQL in the given data directory. */
  public static TestServer startEmbedded(Path dataDir) {
    return startEmbedded(dataDir, Map.of());
  }

  /**
   * An embedded database of its own, with the given settings: for a server whose background work must not meet
   * another test server's on the shared database.
   */
  public static TestServer startEmbedded(Path dataDir, Map<String, String> settings) {
    Map<String, String> env = new HashMap<>(settings);
    env.put("VYOMA_DATA_DIR", dataDir.toString());
    return startWith(env);
  }

  private static TestServer startWith(Map<String, String> settings) {
    Map<String, String> env = new HashMap<>();
    env.put("VYOMA_HTTP_HOST", "127.0.0.1");
    env.put("VYOMA_HTTP_PORT", String.valueOf(freePort()));
    env.put("VYOMA_HTTP_INSTANCES", "2");
    env.put("VYOMA_DOMAIN_INSTANCES", "2");
    // Room for every racer of a Race to be inside the database at once.
    env.put("VYOMA_DB_POOL_SIZE", "64");
    env.putIfAbsent("VYOMA_DATA_DIR", temporaryDirectory().toString());
    env.putAll(generousRateLimits());
    env.putAll(settings);
    AppConfig config = AppConfig.loadBeforeVertx(null, env);
    // As the jar does with cluster.enabled: join the Hazelcast cluster first, and serve on its Vert.x.
    Cluster cluster = config.cluster().getBoolean("enabled") ? Cluster.join(config.cluster(), config.vertxOptions()).await() : null;
    Vertx vertx = cluster != null ? cluster.vertx() : Vertx.vertx(config.vertxOptions());
    Application application;
    try {
      application = Application.start(vertx, config, cluster).await();
    } catch (RuntimeException e) {
      vertx.close().await();
      throw e;
    }
    DevTokens tokens = null;
    if (config.auth().getString("jwks_url").isBlank() && config.auth().getString("public_key_pem").isBlank()) {
      tokens = new DevTokens(vertx, devKeys(config.dataDir()), config.auth());
    }
    return new TestServer(vertx, application, config, tokens);
  }

  /**
   * Tests fire many requests from one user and one address at once (races, sweeps, traffic loops): test
   * servers and nodes run the rate limiter on every request, with buckets no test empties. RateLimitsTest
   * sets its own.
   */
  public static Map<String, String> generousRateLimits() {
    Map<String, String> env = new HashMap<>();
    for (String bucket : List.of("USER", "WRITE", "ADDRESS", "FEED")) {
      env.put("VYOMA_RATE_LIMITS_" + bucket + "_BURST", "1000000");
      env.put("VYOMA_RATE_LIMITS_" + bucket + "_PER_MINUTE", "60000000");
    }
    return env;
  }

  /** The PostgreSQL all test servers share, started on first use. */
  public static synchronized String sharedDatabaseUrl() {
    if (sharedDatabase == null) {
      try {
        sharedDatabase = EmbeddedPostgres.builder().start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return "postgresql://postgres@localhost:" + sharedDatabase.getPort() + "/postgres";
  }

  /** The shared PostgreSQL for the test's own JDBC connections. */
  public static String sharedJdbcUrl() {
    URI uri = URI.create(sharedDatabaseUrl());
    return "jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + uri.getPath() + "?user=" + uri.getUserInfo();
  }

  /**
   * Runs a statement that writes exactly one row in the shared test database, its parameters given as text (the
   * statement casts them), as a test does to make time pass or to stand in for what no request can do.
   */
  public static void changeOne(String sql, String... parameters) {
    try (Connection connection = DriverManager.getConnection(sharedJdbcUrl());
         PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        statement.setString(i + 1, parameters[i]);
      }
      assertEquals(1, statement.executeUpdate(), () -> sql + " " + List.of(parameters));
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public static DevKeys devKeys(Path dataDir) {
    try {
      return DevKeys.loadOrCreate(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Path temporaryDirectory() {
    try {
      return Files.createTempDirectory("vyoma-test");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Api api() {
    return new Api(client);
  }

  public AppConfig config() {
    return config;
  }

  /**
   * An https URL of this server with the path, at every address of this machine's interfaces (the API listens on all
   * of them): targets a server must refuse to call, as they are itself.
   */
  public List<String> ownUrls(String path) {
    try {
      return NetworkInterface.networkInterfaces().flatMap(NetworkInterface::inetAddresses)
        .map(address -> address.getHostAddress().replaceFirst("%.*", ""))
        .map(address -> "https://" + (address.contains(":") ? "[" + address + "]" : address) + ":"
          + config.http().getInteger("port") + path)
        .toList();
    } catch (SocketException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A token for the user, signed with this server's development key, valid for an hour. */
  @Override
  public String token(String userId) {
    return tokens.mint(userId, false, 3600);
  }

  /** A token for the user that expires in the given seconds (a token's life is counted in whole seconds). */
  public String token(String userId, int ttlSeconds) {
    return tokens.mint(userId, false, ttlSeconds);
  }

  public String adminToken(String userId) {
    return tokens.mint(userId, true, 3600);
  }

  public Vertx vertx() {
    return vertx;
  }

  @Override
  public void close() {
    client.close();
    application.stop().eventually(vertx::close).await();
  }
}
