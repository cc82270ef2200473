package red.sessions.vyoma.http;

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
import red.sessions.vyoma.availability.AvailabilityApi;
import red.sessions.vyoma.bookings.BookingService;
import red.sessions.vyoma.files.FilesApi;
import red.sessions.vyoma.files.FilesVerticle;
import red.sessions.vyoma.files.LocalUploadHandler;
import red.sessions.vyoma.files.UploadSigner;
import red.sessions.vyoma.meetings.MeetingsApi;
import red.sessions.vyoma.platform.AppConfig;
import red.sessions.vyoma.platform.Cluster;
import red.sessions.vyoma.platform.Database;
import red.sessions.vyoma.platform.Metrics;
import red.sessions.vyoma.profiles.ProfileService;
import red.sessions.vyoma.reviews.ReviewsApi;
import red.sessions.vyoma.search.SearchApi;
import red.sessions.vyoma.sessions.SessionService;

/**
 * Every route the server has, in one table. Open routes: health, metrics, CORS preflights and the OpenAPI
 * file. Every other route authenticates the caller and hands the call to the domain that owns it.
 */
final class ApiRouter {

  static final String JSON_UTF8 = "application/json; charset=utf-8";
  private static final String JSON = "application/json";
  private static final String FILE_PATH = "/files/(?<key>.+)";
  /** The file routes' template, in metrics and the access log (the regex is not one). */
  private static final String FILE_ROUTE = "/files/:key";
  private static final int[] ROUTER_ERRORS = {400, 401, 403, 404, 405, 406, 413, 415, 500};

  private ApiRouter() {
  }

  static Router create(Vertx vertx, AppConfig config, TokenVerifier verifier, Database database, UploadSigner signer,
                       Cluster cluster, Buffer openApi, ContractValidation validation) {
    long bodyLimit = config.http().getLong("body_limit_bytes");
    long domainTimeoutMs = config.domain().getLong("request_timeout_ms");
    ErrorResponses errors = new ErrorResponses(bodyLimit);
    Handler<RoutingContext> body = AccessLog.notingRoute(BodyHandler.create(false).setBodyLimit(bodyLimit));
    Handler<RoutingContext> auth = AccessLog.notingRoute(new BearerAuthentication(verifier));
    DomainCall domain = new DomainCall(domainTimeoutMs, validation);
    Services services = new Services(vertx, domainTimeoutMs);

    Router router = Router.router(vertx);
    router.route().handler(RequestIds::assign).handler(AccessLog::record).failureHandler(errors::handle);
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
    router.get("/openapi.yaml").handler(ctx -> ctx.response()
      .putHeader(HttpHeaders.CONTENT_TYPE, "application/yaml; charset=utf-8")
      .end(openApi));

    Endpoints api = new Endpoints(router, validation, auth, body);
    ProfileRoutes.mount(api, services.of(ProfileService.class, ProfileService.ADDRESS));
    router.get("/search/teachers").handler(auth).handler(domain.to(SearchApi.ADDRESS, SearchApi.TEACHERS));

    router.get("/availability").handler(auth).handler(domain.to(AvailabilityApi.ADDRESS, AvailabilityApi.LIST));
    router.post("/availability").consumes(JSON).handler(body).handler(auth)
      .handler(domain.to(AvailabilityApi.ADDRESS, AvailabilityApi.CREATE));
    router.delete("/availability/:id").handler(auth).handler(domain.to(AvailabilityApi.ADDRESS, AvailabilityApi.DELETE));

    BookingRoutes.mount(api, services.of(BookingService.class, BookingService.ADDRESS));
    router.post("/bookings/:booking_id/review").consumes(JSON).handler(body).handler(auth)
      .handler(domain.to(ReviewsApi.ADDRESS, ReviewsApi.CREATE));

    SessionRoutes.mount(api, services.of(SessionService.class, SessionService.ADDRESS));

    router.post("/meetings").consumes(JSON).handler(body).handler(auth)
      .handler(domain.to(MeetingsApi.ADDRESS, MeetingsApi.JOIN));
    router.get("/meetings/:session_id").handler(auth).handler(domain.to(MeetingsApi.ADDRESS, MeetingsApi.GET));
    router.delete("/meetings").consumes(JSON).handler(body).handler(auth)
      .handler(domain.to(MeetingsApi.ADDRESS, MeetingsApi.END));
    router.post("/attendees").consumes(JSON).handler(body).handler(auth)
      .handler(domain.to(MeetingsApi.ADDRESS, MeetingsApi.ADD_ATTENDEE));

    router.post("/presigned-url").consumes(JSON).handler(body).handler(auth)
      .handler(domain.to(FilesApi.ADDRESS, FilesApi.PRESIGN));
    router.getWithRegex(FILE_PATH).setName(FILE_ROUTE).handler(auth).handler(domain.to(FilesApi.ADDRESS, FilesApi.READ));
    if ("local".equals(config.storage().getString("provider"))) {
      // The signature in the URL is the credential, as with S3's pre-signed URLs: no bearer token here.
      router.putWithRegex(FILE_PATH).setName(FILE_ROUTE).handler(AccessLog.notingRoute(new LocalUploadHandler(
        FilesVerticle.localRoot(config.dataDir()), signer, config.storage().getLong("max_upload_bytes"))));
    }
    return router;
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON_UTF8).end(body.encode());
  }
}
