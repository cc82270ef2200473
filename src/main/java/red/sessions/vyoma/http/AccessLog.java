package red.sessions.vyoma.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import red.sessions.vyoma.auth.Caller;

/**
 * One line per request, written when its response ends: method, route template, path, status, duration,
 * request id and user id, also as key/values, which the JSON log format ({@code VYOMA_LOG_FORMAT=json})
 * writes as fields. Never a header or the query string (an upload URL's query is its signature), so never
 * a token or a secret; a route whose path is itself a secret (a calendar feed's address) is logged by its
 * template ({@link #secretPath}).
 */
public final class AccessLog {

  private static final Logger LOG = LoggerFactory.getLogger("vyoma.access");
  private static final String ROUTE = "accessLog.route";
  private static final String SECRET_PATH = "accessLog.secretPath";
  private static final String NONE = "-";

  private AccessLog() {
  }

  public static void record(RoutingContext ctx) {
    long started = System.nanoTime();
    ctx.addBodyEndHandler(v -> {
      Caller caller = BearerAuthentication.caller(ctx);
      String method = ctx.request().method().name();
      String path = path(ctx);
      String route = route(ctx);
      int status = ctx.response().getStatusCode();
      long durationMs = (System.nanoTime() - started) / 1_000_000;
      String requestId = RequestIds.of(ctx);
      String userId = caller != null ? caller.userId() : NONE;
      LOG.atInfo()
        .addKeyValue("method", method)
        .addKeyValue("route", route)
        .addKeyValue("path", path)
        .addKeyValue("status", status)
        .addKeyValue("duration_ms", durationMs)
        .addKeyValue("request_id", requestId)
        .addKeyValue("user_id", userId)
        .log("{} {} {} {}ms route={} request_id={} user_id={}", method, path, status, durationMs, route, requestId,
          userId);
    });
    ctx.next();
  }

  /**
   * The first handler of a route, noting the route's template for the line. A request that fails goes on to
   * the catch-all failure handler, after which the context no longer tells which route it came from.
   */
  public static Handler<RoutingContext> notingRoute(Handler<RoutingContext> first) {
    return ctx -> {
      Route route = ctx.currentRoute();
      if (route != null && route.getName() != null) {
        ctx.put(ROUTE, route.getName());
      }
      first.handle(ctx);
    };
  }

  /**
   * The first handler of a route whose path holds a secret: the log lines of its requests show the route's template
   * where they show a path.
   */
  public static Handler<RoutingContext> secretPath(Handler<RoutingContext> first) {
    return notingRoute(ctx -> {
      ctx.put(SECRET_PATH, true);
      first.handle(ctx);
    });
  }

  /** The request's path as logs may show it: the route's template when the path is a secret. */
  static String path(RoutingContext ctx) {
    return Boolean.TRUE.equals(ctx.get(SECRET_PATH)) ? route(ctx) : ctx.request().path();
  }

  /** The template of the route that took the request, for the line; {@code -} when none did. */
  private static String route(RoutingContext ctx) {
    String template = template(ctx);
    return template != null ? template : NONE;
  }

  /** The template ({@code /bookings/:booking_id}) of the route that took the request; null when none did. */
  static String template(RoutingContext ctx) {
    String noted = ctx.get(ROUTE);
    if (noted != null) {
      return noted;
    }
    Route current = ctx.currentRoute();
    return current != null ? current.getName() : null;
  }
}
