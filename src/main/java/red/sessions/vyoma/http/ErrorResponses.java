package red.sessions.vyoma.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.bus.Echo;

import java.util.Locale;

/**
 * The one place failures become responses: {@code {"error", "message", "status_code"}} with the matching
 * status. A domain's {@link DomainException} is the status of its reason, with its message; a domain that
 * did not answer in time (an event-bus failure) is 503, and every 503 says when to try again
 * ({@code Retry-After}); anything unexpected is a 500 that is logged, once, with the request id and tells
 * nothing. Requests the HTTP decoder refused before any route saw them get the same shape
 * ({@link #invalidRequest}).
 */
public final class ErrorResponses {

  /** The media type of every JSON answer. */
  public static final String JSON_UTF8 = "application/json; charset=utf-8";

  private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

  /**
   * When a client should try a 503 again: long enough for a restarting database or a throttled provider to
   * come back, short enough that a lesson does not wait for it.
   */
  private static final String RETRY_AFTER_SECONDS = "5";

  private final long bodyLimit;

  public ErrorResponses(long bodyLimit) {
    this.bodyLimit = bodyLimit;
  }

  public void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    int status = ctx.statusCode();
    String message = null;
    if (failure instanceof ReplyException) {
      status = 503;
    } else if (failure instanceof HttpException http) {
      status = http.getStatusCode();
      message = http.getPayload();
    } else if (failure instanceof DomainException refused) {
      status = status(refused.reason());
      message = refused.getMessage();
    }
    if (status < 400 || status > 599) {
      status = 500;
    }
    if (status == 500) {
      LOG.error("request {} {} {} failed", RequestIds.of(ctx), ctx.request().method(), AccessLog.path(ctx), failure);
      message = "internal error; quote request id " + RequestIds.of(ctx) + " when reporting it";
    } else if (status == 503 && failure != null) {
      LOG.warn("request {} could not be served: {}", RequestIds.of(ctx), failure.toString());
    }
    send(ctx, status, message != null ? message : defaultMessage(ctx, status));
  }

  /** What each reason a domain refuses a call for is in HTTP. */
  static int status(DomainException.Reason reason) {
    return switch (reason) {
      case INVALID -> 400;
      case FORBIDDEN -> 403;
      case NOT_FOUND -> 404;
      case CONFLICT -> 409;
      case GONE -> 410;
      case STALE -> 412;
      case KEY_REUSED -> 422;
      case DEPENDENCY_REFUSED -> 502;
      case DEPENDENCY_UNAVAILABLE -> 503;
    };
  }

  public void send(RoutingContext ctx, int status, String message) {
    HttpServerResponse response = ctx.response();
    if (response.headWritten()) {
      ctx.request().connection().close();
      return;
    }
    if (status == 401) {
      response.putHeader("WWW-Authenticate", "Bearer");
    }
    if (status == 503) {
      response.putHeader("Retry-After", RETRY_AFTER_SECONDS);
    }
    response.setStatusCode(status)
      .putHeader(HttpHeaders.CONTENT_TYPE, JSON_UTF8)
      .end(body(status, message));
  }

  /**
   * A request the HTTP decoder refused: a request line (method, path and query) longer than the server
   * takes is 414, headers larger than it takes 431, anything that is not an HTTP request 400, as Vert.x
   * answers them by default, but in the error shape. The connection is closed after the answer, as Vert.x
   * does, since the decoder cannot tell where the next request would start.
   */
  public static void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status;
    String message;
    if (cause instanceof TooLongHttpLineException) {
      status = 414;
      message = "the request line (method, path and query) is too long";
    } else if (cause instanceof TooLongHttpHeaderException) {
      status = 431;
      message = "the request headers are too large";
    } else {
      status = 400;
      message = "the request is not valid HTTP";
    }
    request.response().setStatusCode(status)
      .putHeader(HttpHeaders.CONTENT_TYPE, JSON_UTF8)
      .putHeader(RequestIds.HEADER, RequestIds.generate())
      .putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE)
      .end(body(status, message))
      .onComplete(sent -> request.connection().close());
  }

  private static String body(int status, String message) {
    return new JsonObject()
      .put("error", errorName(status))
      .put("message", message)
      .put("status_code", status)
      .encode();
  }

  /** The machine-readable error name of a status: 404 is {@code not_found}, 413 {@code request_entity_too_large}. */
  static String errorName(int status) {
    return HttpResponseStatus.valueOf(status).reasonPhrase()
      .toLowerCase(Locale.ROOT).replace(' ', '_').replace("-", "_");
  }

  private String defaultMessage(RoutingContext ctx, int status) {
    String method = ctx.request().method().name();
    String path = Echo.of(ctx.request().path());
    return switch (status) {
      case 400 -> "the request is not valid";
      case 401 -> "a valid bearer token is required";
      case 403 -> "you may not do this";
      case 404 -> "there is no resource at " + method + " " + path;
      case 405 -> "the resource at " + path + " does not allow " + method;
      case 413 -> "the request body is larger than " + bodyLimit + " bytes";
      case 415 -> "request bodies must be JSON (Content-Type: application/json)";
      case 503 -> "a service the request needs is unavailable; try again shortly";
      default -> HttpResponseStatus.valueOf(status).reasonPhrase();
    };
  }
}
