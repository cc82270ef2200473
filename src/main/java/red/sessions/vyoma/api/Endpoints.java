package red.sessions.vyoma.api;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import red.sessions.vyoma.http.AccessLog;
import red.sessions.vyoma.http.ContractValidation;
import red.sessions.vyoma.http.ErrorResponses;
import red.sessions.vyoma.http.RateLimits;

import java.util.function.Function;

/**
 * The API's operations as the route table declares them. Each is its method and path, checked against its
 * operation in the contract (found once, when the route is declared), authenticated, and answered by its
 * endpoint: one call of a domain service whose result the endpoint turns into a {@link Reply}. An operation
 * with a request body takes JSON only, parsed once and checked before the endpoint runs. The caller's rate
 * limits are checked right after authentication, so a refused request reaches no domain.
 */
final class Endpoints {

  private static final String JSON = "application/json";

  private final Router router;
  private final ContractValidation validation;
  private final Handler<RoutingContext> authentication;
  private final Handler<RoutingContext> bodies;
  private final RateLimits limits;

  Endpoints(Router router, ContractValidation validation, Handler<RoutingContext> authentication,
            Handler<RoutingContext> bodies, RateLimits limits) {
    this.router = router;
    this.validation = validation;
    this.authentication = authentication;
    this.bodies = bodies;
    this.limits = limits;
  }

  void get(String path, Function<ApiCall, Future<Reply>> endpoint) {
    route(HttpMethod.GET, path, endpoint);
  }

  void post(String path, Function<ApiCall, Future<Reply>> endpoint) {
    route(HttpMethod.POST, path, endpoint);
  }

  void put(String path, Function<ApiCall, Future<Reply>> endpoint) {
    route(HttpMethod.PUT, path, endpoint);
  }

  void patch(String path, Function<ApiCall, Future<Reply>> endpoint) {
    route(HttpMethod.PATCH, path, endpoint);
  }

  void delete(String path, Function<ApiCall, Future<Reply>> endpoint) {
    route(HttpMethod.DELETE, path, endpoint);
  }

  /**
   * A {@code GET} whose path is a pattern, named by its template: a path parameter holding slashes, which
   * OpenAPI path templates cannot match, so there is no operation to check it against beyond its name.
   */
  void getMatching(String regex, String template, Function<ApiCall, Future<Reply>> endpoint) {
    router.getWithRegex(regex).setName(template).handler(authentication)
      .handler(limits.afterAuthentication(HttpMethod.GET, template))
      .handler(ctx -> answer(ctx, ContractValidation.OperationCheck.NONE, endpoint));
  }

  /**
   * A calendar feed's {@code GET}, without a bearer token: its path holds its credential, the feed's secret, in
   * {@code <secret>.ics}, a parameter that is part of a segment, which vertx-openapi does not check
   * ({@link ContractValidation#SECRET_FEED_PATH}), so the endpoint checks it. Rate-limited by the bucket
   * {@code bucket} names from the secret (never the secret itself), and logged by its template, so the secret stays
   * out of the logs.
   */
  void getBySecretPath(String path, String secret, Function<String, String> bucket,
                       Function<ApiCall, Future<Reply>> endpoint) {
    if (!ContractValidation.openApiPath(path).equals(ContractValidation.SECRET_FEED_PATH)) {
      throw new IllegalStateException(path + " is not the documented " + ContractValidation.SECRET_FEED_PATH);
    }
    router.get(path).setName(path)
      .handler(AccessLog.secretPath(ctx -> limits.byFeed(ctx, bucket.apply(ctx.pathParam(secret)))))
      .handler(ctx -> answer(ctx, ContractValidation.OperationCheck.NONE, endpoint));
  }

  /**
   * A {@code GET} that answers by itself, writing a response that stays open (a stream of events), rather
   * than with one {@link Reply}: checked, authenticated and rate-limited as any other; a failure before it
   * starts answering is an error in the usual shape.
   */
  void getStream(String path, Function<ApiCall, Future<Void>> endpoint) {
    ContractValidation.OperationCheck check = validation.operation(HttpMethod.GET, ContractValidation.openApiPath(path));
    router.get(path).handler(authentication).handler(limits.afterAuthentication(HttpMethod.GET, path)).handler(ctx -> {
      try {
        check.check(ctx, null);
        endpoint.apply(new ApiCall(ctx, null)).onFailure(ctx::fail);
      } catch (RuntimeException e) {
        ctx.fail(e);
      }
    });
  }

  private void route(HttpMethod method, String path, Function<ApiCall, Future<Reply>> endpoint) {
    ContractValidation.OperationCheck check = validation.operation(method, ContractValidation.openApiPath(path));
    Route route = router.route(method, path);
    if (check.body() != null) {
      route.consumes(JSON).handler(bodies);
    }
    route.handler(authentication).handler(limits.afterAuthentication(method, path))
      .handler(ctx -> answer(ctx, check, endpoint));
  }

  private static void answer(RoutingContext ctx, ContractValidation.OperationCheck check,
                             Function<ApiCall, Future<Reply>> endpoint) {
    Future<Reply> reply;
    try {
      JsonObject body = jsonBody(ctx.body());
      check.check(ctx, body);
      reply = endpoint.apply(new ApiCall(ctx, body));
    } catch (RuntimeException e) {
      ctx.fail(e);
      return;
    }
    reply.onSuccess(answer -> write(ctx, answer)).onFailure(ctx::fail);
  }

  private static void write(RoutingContext ctx, Reply reply) {
    HttpServerResponse response = ctx.response().setStatusCode(reply.status());
    if (reply.file() != null) {
      reply.headers().forEach(response::putHeader);
      response.sendFile(reply.file()).onFailure(ctx::fail);
      return;
    }
    if (reply.body() == null || reply.body() instanceof Buffer) {
      reply.headers().forEach(response::putHeader);
      response.end(reply.body() == null ? Buffer.buffer() : (Buffer) reply.body());
      return;
    }
    response.putHeader(HttpHeaders.CONTENT_TYPE, ErrorResponses.JSON_UTF8);
    reply.headers().forEach(response::putHeader);
    response.end(Json.encodeToBuffer(reply.body()));
  }

  /** The body as a JSON object; {@code null} when the request has none. */
  static JsonObject jsonBody(RequestBody body) {
    if (body == null || !body.available() || body.isEmpty()) {
      return null;
    }
    Object value;
    try {
      value = Json.decodeValue(body.buffer());
    } catch (DecodeException e) {
      throw new HttpException(400, "the request body is not valid JSON");
    }
    if (!(value instanceof JsonObject object)) {
      throw new HttpException(400, "the request body must be a JSON object");
    }
    return object;
  }
}
