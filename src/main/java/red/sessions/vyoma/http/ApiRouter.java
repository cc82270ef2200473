package red.sessions.vyoma.http;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import red.sessions.vyoma.auth.TokenVerifier;
import red.sessions.vyoma.availability.AvailabilityApi;
import red.sessions.vyoma.bookings.BookingsApi;
import red.sessions.vyoma.meetings.MeetingsApi;
import red.sessions.vyoma.platform.Database;
import red.sessions.vyoma.profiles.ProfilesApi;
import red.sessions.vyoma.sessions.SessionsApi;

/**
 * Every route the server has, in one table. Open routes: health and the OpenAPI file. Every other route
 * authenticates the caller and hands the call to the domain that owns it.
 */
final class ApiRouter {

  static final String JSON_UTF8 = "application/json; charset=utf-8";
  private static final String JSON = "application/json";
  private static final int[] ROUTER_ERRORS = {400, 401, 403, 404, 405, 406, 413, 415, 500};

  private ApiRouter() {
  }

  static Router create(Vertx vertx, JsonObject httpConfig, long domainTimeoutMs, TokenVerifier verifier,
                       Database database, Buffer openApi) {
    long bodyLimit = httpConfig.getLong("body_limit_bytes");
    ErrorResponses errors = new ErrorResponses(bodyLimit);
    BodyHandler body = BodyHandler.create(false).setBodyLimit(bodyLimit);
    BearerAuthentication auth = new BearerAuthentication(verifier);
    DomainCall domain = new DomainCall(domainTimeoutMs);

    Router router = Router.router(vertx);
    router.route().handler(RequestIds::assign).handler(AccessLog::record).failureHandler(errors::handle);
    for (int status : ROUTER_ERRORS) {
      router.errorHandler(status, errors::handle);
    }

    router.get("/health").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(ctx -> database.ping()
      .onSuccess(v -> json(ctx, 200, new JsonObject().put("status", "UP")
        .put("checks", new JsonObject().put("database", "UP"))))
      .onFailure(e -> errors.send(ctx, 503, "the database is unreachable")));
    router.get("/openapi.yaml").handler(ctx -> ctx.response()
      .putHeader(HttpHeaders.CONTENT_TYPE, "application/yaml; charset=utf-8")
      .end(openApi));

    router.get("/profiles").handler(auth).handler(domain.to(ProfilesApi.ADDRESS, ProfilesApi.GET));
    router.post("/profiles").consumes(JSON).handler(body).handler(auth)
      .handler(domain.to(ProfilesApi.ADDRESS, ProfilesApi.SAVE));

    router.get("/availability").handler(auth).handler(domain.to(AvailabilityApi.ADDRESS, AvailabilityApi.LIST));
    router.post("/availability").consumes(JSON).handler(body).handler(auth)
      .handler(domain.to(AvailabilityApi.ADDRESS, AvailabilityApi.CREATE));
    router.delete("/availability/:id").handler(auth).handler(domain.to(AvailabilityApi.ADDRESS, AvailabilityApi.DELETE));

    router.get("/bookings").handler(auth).handler(domain.to(BookingsApi.ADDRESS, BookingsApi.LIST));
    router.post("/bookings").consumes(JSON).handler(body).handler(auth)
      .handler(domain.to(BookingsApi.ADDRESS, BookingsApi.CREATE));
    router.get("/bookings/:booking_id").handler(auth).handler(domain.to(BookingsApi.ADDRESS, BookingsApi.GET));
    router.patch("/bookings/:booking_id").consumes(JSON).handler(body).handler(auth)
      .handler(domain.to(BookingsApi.ADDRESS, BookingsApi.CHANGE_STATUS));
    router.get("/bookings/:booking_id/session").handler(auth)
      .handler(domain.to(SessionsApi.ADDRESS, SessionsApi.GET_BY_BOOKING));

    router.post("/sessions").consumes(JSON).handler(body).handler(auth)
      .handler(domain.to(SessionsApi.ADDRESS, SessionsApi.CREATE));
    router.get("/sessions/:id").handler(auth).handler(domain.to(SessionsApi.ADDRESS, SessionsApi.GET));
    router.put("/sessions/:id").consumes(JSON).handler(body).handler(auth)
      .handler(domain.to(SessionsApi.ADDRESS, SessionsApi.UPDATE));

    router.post("/meetings").consumes(JSON).handler(body).handler(auth)
      .handler(domain.to(MeetingsApi.ADDRESS, MeetingsApi.JOIN));
    router.get("/meetings/:session_id").handler(auth).handler(domain.to(MeetingsApi.ADDRESS, MeetingsApi.GET));
    router.delete("/meetings").consumes(JSON).handler(body).handler(auth)
      .handler(domain.to(MeetingsApi.ADDRESS, MeetingsApi.END));
    router.post("/attendees").consumes(JSON).handler(body).handler(auth)
      .handler(domain.to(MeetingsApi.ADDRESS, MeetingsApi.ADD_ATTENDEE));
    return router;
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON_UTF8).end(body.encode());
  }
}
