package red.sessions.vyoma.api;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import red.sessions.vyoma.auth.TokenVerifier;
import red.sessions.vyoma.availability.AvailabilityService;
import red.sessions.vyoma.bookings.BookingService;
import red.sessions.vyoma.bookings.SeriesService;
import red.sessions.vyoma.calendars.CalendarService;
import red.sessions.vyoma.erasures.ErasureService;
import red.sessions.vyoma.events.EventService;
import red.sessions.vyoma.externalcalendars.ExternalCalendarService;
import red.sessions.vyoma.exports.ExportService;
import red.sessions.vyoma.files.FileService;
import red.sessions.vyoma.files.LocalUploads;
import red.sessions.vyoma.http.AccessLog;
import red.sessions.vyoma.http.BearerAuthentication;
import red.sessions.vyoma.http.ContractValidation;
import red.sessions.vyoma.http.Cors;
import red.sessions.vyoma.http.ErrorResponses;
import red.sessions.vyoma.http.Listeners;
import red.sessions.vyoma.http.RateLimits;
import red.sessions.vyoma.http.RefusedBodies;
import red.sessions.vyoma.http.RequestIds;
import red.sessions.vyoma.http.RequestMetrics;
import red.sessions.vyoma.http.StorableText;
import red.sessions.vyoma.http.StreamSlots;
import red.sessions.vyoma.meetings.MeetingService;
import red.sessions.vyoma.packages.PackageService;
import red.sessions.vyoma.platform.AppConfig;
import red.sessions.vyoma.platform.Cluster;
import red.sessions.vyoma.platform.Database;
import red.sessions.vyoma.platform.Metrics;
import red.sessions.vyoma.profiles.ProfileService;
import red.sessions.vyoma.reviews.ReviewService;
import red.sessions.vyoma.search.SearchService;
import red.sessions.vyoma.sessions.SessionService;
import red.sessions.vyoma.notifications.NotificationService;
import red.sessions.vyoma.webhooks.WebhookService;

/**
 * Every route the server has, in one table. Open routes: health, metrics, CORS preflights, the OpenAPI
 * file, the docs and the local store's signed uploads, the last three rate-limited by client address, and the
 * calendar feeds, whose secret address is their credential, rate-limited per feed.
 * Every other route is an operation of the contract ({@link Endpoints}), mounted by its domain's routes class:
 * authenticated, rate-limited per caller, checked, and answered by one call of the domain's service.
 */
final class ApiRouter {

  private static final int[] ROUTER_ERRORS = {400, 401, 403, 404, 405, 406, 413, 415, 500};

  private ApiRouter() {
  }

  static Router create(Vertx vertx, AppConfig config, TokenVerifier verifier, Database database, LocalUploads uploads,
                       Cluster cluster, RateLimits limits, StreamSlots streamSlots, RequestMetrics requests,
                       Buffer openApi, ContractValidation validation) {
    long bodyLimit = config.http().getLong("body_limit_bytes");
    long domainTimeoutMs = config.domain().getLong("request_timeout_ms");
    ErrorResponses errors = new ErrorResponses(bodyLimit);
    Handler<RoutingContext> body = AccessLog.notingRoute(BodyHandler.create(false).setBodyLimit(bodyLimit));
    Handler<RoutingContext> auth = AccessLog.notingRoute(new BearerAuthentication(verifier, limits));
    Services services = new Services(vertx, domainTimeoutMs);

    Router router = Router.router(vertx);
    router.route().handler(requests::record).handler(RequestIds::assign).handler(AccessLog::record)
      .handler(RefusedBodies::closeAfterAnswer)
      .failureHandler(errors::handle);
    Cors.forOrigins(config.cors().getJsonArray("allowed_origins")).ifPresent(cors -> router.route().handler(cors));
    for (int status : ROUTER_ERRORS) {
      router.errorHandler(status, errors::handle);
    }

    router.get("/health").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(ctx -> database.ping()
      .onSuccess(v -> {
        JsonObject checks = new JsonObject().put("database", "UP");
        if (cluster != null) {
          checks.put("cluster", cluster.status());
        }
        boolean clusterUp = cluster == null || "UP".equals(checks.getJsonObject("cluster").getString("status"));
        if (clusterUp) {
          json(ctx, 200, new JsonObject().put("status", "UP").put("checks", checks));
        } else {
          errors.send(ctx, 503, "this node has left the cluster");
        }
      })
      .onFailure(e -> errors.send(ctx, 503, "the database is unreachable")));
    if (config.metrics().getInteger("port") == 0) {
      Metrics.prometheus(vertx).ifPresent(registry -> router.get(Listeners.METRICS_PATH)
        .handler(PrometheusScrapingHandler.create(registry)));
    }
    router.get("/openapi.yaml").handler(limits::byAddress).handler(ctx -> ctx.response()
      .putHeader(HttpHeaders.CONTENT_TYPE, "application/yaml; charset=utf-8")
      .end(openApi));

    router.route("/docs*").handler(limits::byAddress);

    Endpoints api = new Endpoints(router, validation, auth, body, limits);
    ProfileRoutes.mount(api, services.of(ProfileService.class, ProfileService.ADDRESS));
    ErasureRoutes.mount(api, services.of(ErasureService.class, ErasureService.ADDRESS));
    SearchRoutes.mount(api, services.of(SearchService.class, SearchService.ADDRESS));

    AvailabilityRoutes.mount(api, services.of(AvailabilityService.class, AvailabilityService.ADDRESS));
    ExternalCalendarRoutes.mount(api, services.of(ExternalCalendarService.class, ExternalCalendarService.ADDRESS));

    BookingRoutes.mount(api, services.of(BookingService.class, BookingService.ADDRESS));
    SeriesRoutes.mount(api, services.of(SeriesService.class, SeriesService.ADDRESS));
    ReviewRoutes.mount(api, services.of(ReviewService.class, ReviewService.ADDRESS));
    PackageRoutes.mount(api, services.of(PackageService.class, PackageService.ADDRESS));
    CalendarRoutes.mount(api, services.of(CalendarService.class, CalendarService.ADDRESS));

    SessionRoutes.mount(api, services.of(SessionService.class, SessionService.ADDRESS));

    MeetingRoutes.mount(api, services.of(MeetingService.class, MeetingService.ADDRESS));

    EventService events = services.of(EventService.class, EventService.ADDRESS);
    EventRoutes.mount(api, events, new EventStreams(vertx, events, streamSlots, config.events().getLong("heartbeat_seconds")));
    WebhookRoutes.mount(api, services.of(WebhookService.class, WebhookService.ADDRESS));
    NotificationService notifications = services.of(NotificationService.class, NotificationService.ADDRESS);
    NotificationRoutes.mount(api, notifications);
    // The token in the URL is the credential (RFC 8058's one-click unsubscribe, POSTed by the mail client with
    // a form body it ignores): no bearer token here.
    router.post(NotificationRoutes.UNSUBSCRIBE).setName(NotificationRoutes.UNSUBSCRIBE)
      .handler(AccessLog.notingRoute(limits::byAddress))
      .handler(ctx -> notifications.unsubscribe(ctx.pathParam("token"))
        .onSuccess(done -> json(ctx, 200, new JsonObject().put("message", "You will receive no more emails")))
        .onFailure(ctx::fail));

    ExportRoutes.mount(api, services.of(ExportService.class, ExportService.ADDRESS));

    if ("local".equals(config.storage().getString("provider"))) {
      // A signed read of the local store (an export's download_url) carries its credential in the URL, as S3's
      // pre-signed GET does: no bearer token here.
      router.getWithRegex(LocalSignedReads.PATH).setName(LocalSignedReads.ROUTE)
        .handler(AccessLog.notingRoute(limits::byAddress))
        .handler(StorableText::pathAndQuery)
        .handler(ctx -> LocalSignedReads.serve(ctx, uploads));
    }
    FileRoutes.mount(api, services.of(FileService.class, FileService.ADDRESS));
    if ("local".equals(config.storage().getString("provider"))) {
      // The signature in the URL is the credential, as with S3's pre-signed URLs: no bearer token here.
      router.putWithRegex(FileRoutes.FILE_PATH).setName(FileRoutes.FILE_ROUTE).handler(AccessLog.notingRoute(limits::byAddress))
        .handler(StorableText::pathAndQuery)
        .handler(new LocalUploadHandler(uploads));
    }
    return router;
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, ErrorResponses.JSON_UTF8).end(body.encode());
  }
}
