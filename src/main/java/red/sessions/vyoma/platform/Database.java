package red.sessions.vyoma.platform;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * The PostgreSQL the server runs on: an external one when {@code db.url} is set, otherwise an embedded
 * server whose data lives in {@code <data_dir>/postgres}. Opening it migrates the schema to the latest
 * version; the pool it hands out is shared by every domain verticle.
 */
public final class Database {

  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  /** PostgreSQL is shutting down (admin or crash) or not yet accepting connections. */
  private static final Set<String> SERVER_CANNOT_SERVE = Set.of("57P01", "57P02", "57P03");
  /** Where Vert.x core keeps its stack-trace-free forms of {@link VertxException} (a failed future's, the pool's). */
  private static final String VERTX_CORE_PLAIN_FORMS = "io.vertx.core.impl";

  private final Vertx vertx;
  private final Pool pool;
  private final EmbeddedPostgres embedded;

  private Database(Vertx vertx, Pool pool, EmbeddedPostgres embedded) {
    this.vertx = vertx;
    this.pool = pool;
    this.embedded = embedded;
  }

  public static Future<Database> open(Vertx vertx, AppConfig config) {
    JsonObject db = config.db();
    String url = db.getString("url", "");
    // Starting PostgreSQL and running migrations over JDBC both block: keep them off the event loop.
    return vertx.executeBlocking(() -> {
      EmbeddedPostgres embedded = url.isBlank() ? startEmbedded(config.dataDir(), db.getInteger("embedded_port")) : null;
      PgConnectOptions connect = (embedded != null ? embeddedOptions(embedded) : PgConnectOptions.fromUri(url))
        // Each statement is parsed and planned once per connection rather than on every call (and then sent in
        // one round trip, not two): the SQL is constant text with parameters, and the schema only changes by
        // migrations, before the pool opens.
        .setCachePreparedStatements(true);
      try {
        migrate(connect);
      } catch (RuntimeException e) {
        stopEmbedded(embedded);
        throw e;
      }
      // The wait for a free connection is bounded by BoundedWaitPool, not by the pool's own timeout (0: none).
      Pool pool = new BoundedWaitPool(vertx, PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(db.getInteger("pool_size")).setName("vyoma").setConnectionTimeout(0))
        .with(new NetClientOptions().setConnectTimeout(db.getInteger("connect_timeout_ms")))
        .connectingTo(connect)
        .using(vertx)
        .build(), db.getInteger("acquire_timeout_ms"));
      LOG.info("Database ready at {}:{}/{}{}", connect.getHost(), connect.getPort(), connect.getDatabase(),
        embedded != null ? " (embedded, data in " + config.dataDir().resolve("postgres") + ")" : "");
      return new Database(vertx, pool, embedded);
    });
  }

  private static EmbeddedPostgres startEmbedded(Path dataDir, int port) throws IOException {
    Path directory = dataDir.resolve("postgres");
    Files.createDirectories(directory);
    EmbeddedDataDirectory.requireUnused(dataDir, directory);
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
      .setDataDirectory(directory)
      .setCleanDataDirectory(false)
      .setRegisterShutdownHook(false);
    if (port > 0) {
      builder.setPort(port);
    }
    return builder.start();
  }

  private static PgConnectOptions embeddedOptions(EmbeddedPostgres embedded) {
    return new PgConnectOptions()
      .setHost("localhost")
      .setPort(embedded.getPort())
      .setDatabase("postgres")
      .setUser("postgres");
  }

  private static void migrate(PgConnectOptions connect) {
    String jdbcUrl = "jdbc:postgresql://" + connect.getHost() + ":" + connect.getPort() + "/" + connect.getDatabase();
    Flyway.configure()
      .dataSource(jdbcUrl, connect.getUser(), connect.getPassword())
      .locations("classpath:db/migration")
      .load()
      .migrate();
  }

  /**
   * Whether the failure of a database call means the call got no answer from PostgreSQL, so the same call may
   * succeed once it is reachable again, rather than that PostgreSQL refused the statement. Judged by what the
   * failure is, through its causes (the pool may wrap them):
   * <ul>
   *   <li>PostgreSQL's own answer ({@link PgException}) is a refusal, except for the states in which it says it
   *       cannot serve: a connection exception (class 08), out of connections or resources (class 53), shutting
   *       down or starting up (57P01–57P03);</li>
   *   <li>the exchange broke on the way: no connection could be opened or it was reset ({@link IOException}),
   *       none was opened in time, or free within {@code db.acquire_timeout_ms} ({@link TimeoutException}, from
   *       {@link BoundedWaitPool}), the connection was lost mid-call ({@link ClosedConnectionException});</li>
   *   <li>the client had no connection to run the call on: the SQL client and its pool report a connection that
   *       closed before the call was sent, one closing, or a pool closed as a plain {@link VertxException} of no
   *       subtype. Every answer that comes from PostgreSQL is a {@link PgException}, and failures of other Vert.x
   *       parts (the event bus, HTTP) have subtypes of their own, so a plain one reached through a database call is
   *       the client's. The client's checks of a call's arguments (a parameter of the wrong type) come the same
   *       way; they are mistakes in our SQL, the same for every call of a statement, which the tests run.</li>
   * </ul>
   */
  public static boolean unreachable(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof PgException pg) {
        String state = pg.getSqlState();
        return state != null && (state.startsWith("08") || state.startsWith("53") || SERVER_CANNOT_SERVE.contains(state));
      }
      if (cause instanceof IOException || cause instanceof TimeoutException || cause instanceof ClosedConnectionException
        || clientWithoutConnection(cause)) {
        return true;
      }
    }
    return false;
  }

  /** A plain {@link VertxException}: the class itself, or one of Vert.x core's forms of it without a stack trace. */
  private static boolean clientWithoutConnection(Throwable failure) {
    Class<?> type = failure.getClass();
    return type == VertxException.class
      || failure instanceof VertxException && type.getPackageName().equals(VERTX_CORE_PLAIN_FORMS);
  }

  public Pool pool() {
    return pool;
  }

  /** Liveness of the database as seen through the pool. */
  public Future<Void> ping() {
    return pool.query("SELECT 1").execute().mapEmpty();
  }

  public Future<Void> close() {
    return pool.close().eventually(() -> vertx.executeBlocking(() -> {
      stopEmbedded(embedded);
      return null;
    }));
  }

  private static void stopEmbedded(EmbeddedPostgres embedded) {
    if (embedded == null) {
      return;
    }
    try {
      embedded.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not stop the embedded PostgreSQL", e);
    }
  }
}
