package red.sessions.vyoma;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import red.sessions.vyoma.auth.DevKeys;
import red.sessions.vyoma.auth.TokenVerifier;
import red.sessions.vyoma.availability.AvailabilityVerticle;
import red.sessions.vyoma.bookings.BookingsVerticle;
import red.sessions.vyoma.bus.DomainVerticle;
import red.sessions.vyoma.http.HttpVerticle;
import red.sessions.vyoma.meetings.MeetingsVerticle;
import red.sessions.vyoma.platform.AppConfig;
import red.sessions.vyoma.platform.Database;
import red.sessions.vyoma.profiles.ProfilesVerticle;
import red.sessions.vyoma.sessions.SessionsVerticle;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The running server, composed in order: database (started if embedded, migrated) → token verifier →
 * domain worker verticles → HTTP verticles. Stopping runs the other way round, so requests in flight
 * still find their domains and the database while the HTTP servers drain.
 */
public final class Application {

  private static final Logger LOG = LoggerFactory.getLogger(Application.class);

  /** Every domain verticle; each owns its event-bus address and its SQL. */
  private static final List<BiFunction<Pool, AppConfig, DomainVerticle>> DOMAINS = List.of(
    (pool, config) -> new ProfilesVerticle(pool),
    (pool, config) -> new AvailabilityVerticle(pool),
    (pool, config) -> new BookingsVerticle(pool),
    (pool, config) -> new SessionsVerticle(pool, config.storage().getString("base_url")),
    (pool, config) -> new MeetingsVerticle(pool, config.meetings()));

  private final Vertx vertx;
  private final Database database;
  private final TokenVerifier verifier;
  private final List<String> deployments;

  private Application(Vertx vertx, Database database, TokenVerifier verifier, List<String> deployments) {
    this.vertx = vertx;
    this.database = database;
    this.verifier = verifier;
    this.deployments = deployments;
  }

  public static Future<Application> start(Vertx vertx, AppConfig config) {
    return Database.open(vertx, config).compose(database -> verifier(vertx, config)
      .compose(verifier -> deploy(vertx, config, database, verifier)
        .map(deployments -> new Application(vertx, database, verifier, deployments))
        .onFailure(e -> verifier.close()))
      .onFailure(e -> database.close()));
  }

  private static Future<TokenVerifier> verifier(Vertx vertx, AppConfig config) {
    if (TokenVerifier.usesExternalIssuer(config.auth())) {
      return TokenVerifier.create(vertx, config.auth(), null);
    }
    return vertx.executeBlocking(() -> DevKeys.loadOrCreate(config.dataDir()))
      .compose(keys -> TokenVerifier.create(vertx, config.auth(), keys));
  }

  private static Future<List<String>> deploy(Vertx vertx, AppConfig config, Database database, TokenVerifier verifier) {
    List<String> deployments = new ArrayList<>();
    DeploymentOptions workers = new DeploymentOptions()
      .setThreadingModel(ThreadingModel.WORKER)
      .setInstances(AppConfig.instances(config.domain()));
    Future<Void> domains = Future.succeededFuture();
    for (BiFunction<Pool, AppConfig, DomainVerticle> domain : DOMAINS) {
      domains = domains.compose(v -> vertx.deployVerticle(() -> domain.apply(database.pool(), config), workers)
        .map(id -> {
          deployments.add(id);
          return null;
        }));
    }
    DeploymentOptions http = new DeploymentOptions().setInstances(AppConfig.instances(config.http()));
    return domains
      .compose(v -> vertx.deployVerticle(() -> new HttpVerticle(config, verifier, database), http))
      .map(id -> {
        deployments.add(id);
        LOG.info("Vyoma 1:1 listening on http://{}:{}", config.http().getString("host"), config.http().getInteger("port"));
        return deployments;
      })
      .recover(e -> undeploy(vertx, deployments).transform(ignored -> Future.failedFuture(e)));
  }

  private static Future<Void> undeploy(Vertx vertx, List<String> deployments) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = deployments.size() - 1; i >= 0; i--) {
      String id = deployments.get(i);
      chain = chain.eventually(() -> vertx.undeploy(id));
    }
    return chain;
  }

  /** Stops the HTTP servers first (letting requests in flight finish), then the domains, then the database. */
  public Future<Void> stop() {
    return undeploy(vertx, deployments)
      .eventually(() -> {
        verifier.close();
        return database.close();
      });
  }
}
