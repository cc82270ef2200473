package red.sessions.vyoma.http;

import io.vertx.ext.web.RoutingContext;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Every request gets an id, sent back as {@code X-Request-Id} and written in its log lines. A caller's
 * own id (from a proxy or the client) is kept when it is short and plain, so traces can be joined.
 */
public final class RequestIds {

  static final String HEADER = "X-Request-Id";
  private static final String KEY = "requestId";
  private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private RequestIds() {
  }

  public static void assign(RoutingContext ctx) {
    String offered = ctx.request().getHeader(HEADER);
    String id = offered != null && ACCEPTED.matcher(offered).matches() ? offered : generate();
    ctx.put(KEY, id);
    ctx.response().putHeader(HEADER, id);
    ctx.next();
  }

  /** A new id, for a request that brought none (or none that is kept). */
  static String generate() {
    return UUID.randomUUID().toString();
  }

  static String of(RoutingContext ctx) {
    return ctx.get(KEY);
  }
}
