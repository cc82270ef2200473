package red.sessions.vyoma;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import red.sessions.vyoma.api.HttpVerticle;
import red.sessions.vyoma.auth.DevKeys;
import red.sessions.vyoma.auth.RefusedSubjects;
import red.sessions.vyoma.auth.TokenVerifier;
import red.sessions.vyoma.availability.AvailabilityVerticle;
import red.sessions.vyoma.bookings.BookingsVerticle;
import red.sessions.vyoma.bookings.IdempotencyKeyCleanup;
import red.sessions.vyoma.bookings.SeriesMaterialization;
import red.sessions.vyoma.bookings.SeriesVerticle;
import red.sessions.vyoma.bus.LocalServices;
import red.sessions.vyoma.calendars.CalendarsVerticle;
import red.sessions.vyoma.erasures.ErasedUsers;
import red.sessions.vyoma.erasures.ErasureRunner;
import red.sessions.vyoma.erasures.ErasuresVerticle;
import red.sessions.vyoma.events.EventNotices;
import red.sessions.vyoma.events.EventRetention;
import red.sessions.vyoma.events.EventsVerticle;
import red.sessions.vyoma.exports.ExportBuilder;
import red.sessions.vyoma.exports.ExportExpiry;
import red.sessions.vyoma.exports.ExportsVerticle;
import red.sessions.vyoma.externalcalendars.ExternalCalendarFetcher;
import red.sessions.vyoma.externalcalendars.ExternalCalendarsVerticle;
import red.sessions.vyoma.files.FilesVerticle;
import red.sessions.vyoma.files.LocalUploads;
import red.sessions.vyoma.files.UnsharedFiles;
import red.sessions.vyoma.files.UploadSigner;
import red.sessions.vyoma.http.RateLimits;
import red.sessions.vyoma.http.RequestMetrics;
import red.sessions.vyoma.http.StreamSlots;
import red.sessions.vyoma.meetings.ConsentWithdrawn;
import red.sessions.vyoma.meetings.LessonOver;
import red.sessions.vyoma.meetings.MeetingEventsVerticle;
import red.sessions.vyoma.meetings.MeetingsVerticle;
import red.sessions.vyoma.notifications.NotificationDispatcher;
import red.sessions.vyoma.notifications.NotificationRetention;
import red.sessions.vyoma.notifications.NotificationsVerticle;
import red.sessions.vyoma.notifications.UnsubscribeTokens;
import red.sessions.vyoma.packages.PackageExpiry;
import red.sessions.vyoma.packages.PackagesVerticle;
import red.sessions.vyoma.platform.AppConfig;
import red.sessions.vyoma.platform.Cluster;
import red.sessions.vyoma.platform.Database;
import red.sessions.vyoma.profiles.ProfilesVerticle;
import red.sessions.vyoma.reviews.ReviewsVerticle;
import red.sessions.vyoma.search.SearchVerticle;
import red.sessions.vyoma.sessions.SessionsVerticle;
import red.sessions.vyoma.webhooks.DeliveryLogRetention;
import red.sessions.vyoma.webhooks.WebhookDispatcher;
import red.sessions.vyoma.webhooks.WebhooksVerticle;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The running server, composed in order: database (started if embedded, migrated) → token verifier →
 * domain worker verticles (and the cleanup of expired idempotency keys, the sweeps of packages and series, the
 * listener for committed events, the webhook and notification dispatchers, the follower of Chime's meeting events
 * when a queue is configured, the external calendars' fetcher, the retention sweeps, the retention of unshared files,
 * the exports' builder where this node builds them and their expiry, the erasures' runner) → the erased users whose
 * tokens are refused → HTTP verticles. Stopping runs the other way round,
 * so requests in flight still find their domains and the database while the HTTP servers drain.
 */
public final class Application {

  private static final Logger LOG = LoggerFactory.getLogger(Application.class);

  /** What domain verticles are made from. */
  private record Parts(Pool pool, AppConfig config, UploadSigner signer, UnsubscribeTokens unsubscribe, Cluster cluster,
                       RefusedSubjects refused) {
  }

  /** Every domain verticle; each owns its event-bus address and its SQL. */
  private static final List<Function<Parts, VerticleBase>> DOMAINS = List.of(
    parts -> new ProfilesVerticle(parts.pool()),
    parts -> new AvailabilityVerticle(parts.pool()),
    parts -> new ExternalCalendarsVerticle(parts.pool(), parts.config().calendars()),
    parts -> new BookingsVerticle(parts.pool(), parts.config().bookings()),
    parts -> new SeriesVerticle(parts.pool(), parts.config().bookings(), parts.config().series()),
    parts -> new SessionsVerticle(parts.pool(), parts.config().storage().getString("base_url"),
      parts.config().domain().getLong("request_timeout_ms")),
    parts -> new MeetingsVerticle(parts.pool(), parts.config().meetings(), parts.config().recordings(),
      parts.config().storage(), parts.cluster()),
    parts -> new SearchVerticle(parts.pool()),
    parts -> new ReviewsVerticle(parts.pool()),
    parts -> new PackagesVerticle(parts.pool()),
    parts -> new EventsVerticle(parts.pool()),
    parts -> new WebhooksVerticle(parts.pool(), parts.config().webhooks()),
    parts -> new CalendarsVerticle(parts.pool(), parts.config().calendars()),
    parts -> new NotificationsVerticle(parts.pool(), parts.config().mail(), parts.unsubscribe()),
    parts -> new FilesVerticle(parts.pool(), parts.config().storage(), parts.config().dataDir(), parts.signer()),
    parts -> new ExportsVerticle(parts.pool(), parts.config().exports(), parts.config().domain().getLong("request_timeout_ms")),
    parts -> new ErasuresVerticle(parts.pool(), parts.refused()));

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

  /**
   * @param cluster the cluster this node joined, or {@code null} for a single node
   */
  public static Future<Application> start(Vertx vertx, AppConfig config, Cluster cluster) {
    RefusedSubjects refused = new RefusedSubjects();
    return Database.open(vertx, config).compose(database -> verifier(vertx, config, refused)
      .compose(verifier -> vertx.executeBlocking(() -> UploadSigner.load(config.storage().getString("signing_secret"),
          config.dataDir()))
        .compose(signer -> vertx.executeBlocking(() -> UnsubscribeTokens.load(config.mail().getString("unsubscribe_secret"),
            config.dataDir()))
          .compose(unsubscribe -> deploy(vertx, config, database, verifier, refused, signer, unsubscribe, cluster)))
        .map(deployments -> new Application(vertx, database, verifier, deployments))
        .onFailure(e -> verifier.close()))
      .onFailure(e -> database.close()));
  }

  private static Future<TokenVerifier> verifier(Vertx vertx, AppConfig config, RefusedSubjects refused) {
    if (TokenVerifier.usesExternalIssuer(config.auth())) {
      return TokenVerifier.create(vertx, config.auth(), null, refused);
    }
    return vertx.executeBlocking(() -> DevKeys.loadOrCreate(config.dataDir()))
      .compose(keys -> TokenVerifier.create(vertx, config.auth(), keys, refused));
  }

  private static Future<List<String>> deploy(Vertx vertx, AppConfig config, Database database, TokenVerifier verifier,
                                             RefusedSubjects refused, UploadSigner signer, UnsubscribeTokens unsubscribe, Cluster cluster) {
    List<String> deployments = new ArrayList<>();
    LocalServices.register(vertx);
    DeploymentOptions workers = new DeploymentOptions()
      .setThreadingModel(ThreadingModel.WORKER)
      .setInstances(config.domainInstances());
    Future<Void> domains = Future.succeededFuture();
    Parts parts = new Parts(database.pool(), config, signer, unsubscribe, cluster, refused);
    for (Function<Parts, VerticleBase> domain : DOMAINS) {
      domains = domains.compose(v -> noted(vertx.deployVerticle(() -> domain.apply(parts), workers), deployments));
    }
    DeploymentOptions http = new DeploymentOptions().setInstances(config.httpInstances());
    LocalUploads uploads = new LocalUploads(config.dataDir(), signer, config.storage().getLong("max_upload_bytes"));
    RateLimits limits = RateLimits.create(vertx, config.rateLimits(), cluster);
    StreamSlots streamSlots = StreamSlots.create(vertx, config.events());
    RequestMetrics requests = RequestMetrics.create(vertx);
    return domains
      .compose(v -> noted(vertx.deployVerticle(IdempotencyKeyCleanup.sweep(database.pool(), config.bookings())), deployments))
      .compose(v -> noted(vertx.deployVerticle(PackageExpiry.sweep(database.pool(), config.packages())), deployments))
      .compose(v -> noted(vertx.deployVerticle(SeriesMaterialization.sweep(database.pool(), config.bookings(),
        config.series())), deployments))
      .compose(v -> noted(vertx.deployVerticle(new EventNotices(database.pool(), config.events())), deployments))
      .compose(v -> noted(vertx.deployVerticle(new WebhookDispatcher(database.pool(), config.webhooks())), deployments))
      .compose(v -> noted(vertx.deployVerticle(new NotificationDispatcher(database.pool(), config.mail(),
        config.notifications(), config.dataDir(), unsubscribe)), deployments))
      .compose(v -> noted(vertx.deployVerticle(LessonOver.sweep(vertx, database.pool(), config.meetings(),
        config.domain().getLong("request_timeout_ms"))), deployments))
      .compose(v -> noted(vertx.deployVerticle(ConsentWithdrawn.sweep(vertx, database.pool(), config.recordings(),
        config.domain().getLong("request_timeout_ms"))), deployments))
      .compose(v -> !MeetingsVerticle.followsPresence(config.meetings()) ? Future.<Void>succeededFuture()
        : noted(vertx.deployVerticle(new MeetingEventsVerticle(database.pool(), config.meetings(), cluster),
          new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)), deployments))
      .compose(v -> noted(vertx.deployVerticle(new ExternalCalendarFetcher(database.pool(), config.calendars())), deployments))
      .compose(v -> noted(vertx.deployVerticle(EventRetention.sweep(database.pool(), config.events(), config.retention())),
        deployments))
      .compose(v -> noted(vertx.deployVerticle(DeliveryLogRetention.sweep(database.pool(), config.webhooks(),
        config.retention())), deployments))
      .compose(v -> noted(vertx.deployVerticle(NotificationRetention.sweep(database.pool(), config.notifications(),
        config.retention())), deployments))
      .compose(v -> noted(vertx.deployVerticle(NotificationRetention.mailFiles(vertx, config.dataDir(),
        config.notifications(), config.retention())), deployments))
      .compose(v -> !config.exports().getBoolean("build") ? Future.<Void>succeededFuture()
        : noted(vertx.deployVerticle(new ExportBuilder(database.pool(), config.domain().getLong("request_timeout_ms"))),
          deployments))
      .compose(v -> noted(vertx.deployVerticle(ExportExpiry.sweep(vertx, database.pool(), config.exports(),
        config.domain().getLong("request_timeout_ms"))), deployments))
      .compose(v -> noted(vertx.deployVerticle(UnsharedFiles.sweep(vertx, database.pool(), config.storage(), config.retention(),
        config.domain().getLong("request_timeout_ms"))), deployments))
      .compose(v -> noted(vertx.deployVerticle(new ErasureRunner(database.pool(), config.erasures(),
        config.domain().getLong("request_timeout_ms"))), deployments))
      .compose(v -> ErasedUsers.follow(vertx, database.pool(), refused))
      .compose(v -> vertx.deployVerticle(
        () -> new HttpVerticle(config, verifier, database, uploads, cluster, limits, streamSlots, requests), http))
      .map(id -> {
        deployments.add(id);
        LOG.info("Vyoma 1:1 listening on {}", HttpVerticle.url(config));
        return deployments;
      })
      .recover(e -> undeploy(vertx, deployments).transform(ignored -> Future.failedFuture(e)));
  }

  /** The deployment, its id added to those to undeploy at stop. */
  private static Future<Void> noted(Future<String> deployment, List<String> deployments) {
    return deployment.map(id -> {
      deployments.add(id);
      return null;
    });
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
