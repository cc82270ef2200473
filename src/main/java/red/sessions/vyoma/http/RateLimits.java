package red.sessions.vyoma.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.platform.Metrics;

import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Per-caller rate limits of one node (OWASP API4:2023), shared by all its HTTP verticles: a token bucket
 * per authenticated user, a stricter one per user for the writes that cost money or capacity (Chime meetings
 * and attendees, stored files, bookings), and one per client address for the open routes and for failed
 * authentications. Admins, and the health and metrics routes, are not limited. A request over its limit is
 * 429 with {@code Retry-After} and {@code RateLimit-Limit}, {@code RateLimit-Remaining},
 * {@code RateLimit-Reset}, refused before any domain is called, and counted in
 * {@code vyoma_rate_limited_total{bucket}}.
 */
public final class RateLimits {

  /** The operations that take from the write bucket too, as {@code METHOD /path} of the route table. */
  private static final Set<String> COSTLY_WRITES = Set.of("POST /meetings", "POST /attendees", "POST /presigned-url",
    "POST /bookings");
  private static final String LIMITED = "vyoma.rate.limited";

  private final boolean enabled;
  private final Bucket users;
  private final Bucket writes;
  private final Bucket addresses;

  /** A table of buckets and the counter of the requests it refused. */
  private record Bucket(TokenBuckets buckets, Counter limited) {
  }

  private RateLimits(boolean enabled, Bucket users, Bucket writes, Bucket addresses) {
    this.enabled = enabled;
    this.users = users;
    this.writes = writes;
    this.addresses = addresses;
  }

  /** The limits of the node, from the {@code rate_limits} section; one instance serves every HTTP verticle. */
  public static RateLimits create(Vertx vertx, JsonObject config) {
    MeterRegistry meters = Metrics.registry(vertx);
    int maxCallers = config.getInteger("max_callers");
    return new RateLimits(config.getBoolean("enabled"),
      bucket("user", config, maxCallers, meters),
      bucket("write", config, maxCallers, meters),
      bucket("address", config, maxCallers, meters));
  }

  private static Bucket bucket(String name, JsonObject config, int maxCallers, MeterRegistry meters) {
    TokenBuckets buckets = new TokenBuckets(config.getLong(name + "_burst"), config.getLong(name + "_per_minute"),
      maxCallers, System::nanoTime);
    Counter limited = Counter.builder(LIMITED)
      .description("Requests refused with 429: bucket=user (per user), write (costly writes per user), address (per client address)")
      .tag("bucket", name)
      .register(meters);
    return new Bucket(buckets, limited);
  }

  /** The first handler of an open route: the client address's bucket. */
  void byAddress(RoutingContext ctx) {
    if (admitted(ctx, addresses, address(ctx))) {
      ctx.next();
    }
  }

  /**
   * A request whose authentication failed: 401, or 429 once its address has failed too often, so guessing
   * tokens is as limited as calling the open routes.
   */
  void refuseAuthentication(RoutingContext ctx) {
    if (admitted(ctx, addresses, address(ctx))) {
      ctx.fail(401);
    }
  }

  /** The handler that follows authentication on an operation: the caller's bucket, and the write bucket for a costly write. */
  Handler<RoutingContext> afterAuthentication(HttpMethod method, String path) {
    boolean costly = COSTLY_WRITES.contains(method.name() + " " + path);
    return ctx -> {
      Caller caller = BearerAuthentication.caller(ctx);
      if (caller.admin()) {
        ctx.next();
        return;
      }
      if (admitted(ctx, users, caller.userId()) && (!costly || admitted(ctx, writes, caller.userId()))) {
        ctx.next();
      }
    };
  }

  /** Takes a token from the caller's bucket, or fails the request with 429 when it has none left. */
  private boolean admitted(RoutingContext ctx, Bucket bucket, String caller) {
    if (!enabled) {
      return true;
    }
    TokenBuckets.Admission admission = bucket.buckets().take(caller);
    if (admission.admitted()) {
      return true;
    }
    bucket.limited().increment();
    long retryAfter = seconds(admission.retryAfterNanos());
    HttpServerResponse response = ctx.response()
      .putHeader("Retry-After", String.valueOf(retryAfter))
      .putHeader("RateLimit-Limit", String.valueOf(admission.limit()))
      .putHeader("RateLimit-Remaining", String.valueOf(admission.remaining()))
      .putHeader("RateLimit-Reset", String.valueOf(seconds(admission.resetNanos())));
    if (unreadBody(ctx.request())) {
      // A body the server will not read (an upload): closing is quicker for both sides than draining it.
      response.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    }
    ctx.fail(new HttpException(429, "too many requests; retry after " + retryAfter + " s"));
    return false;
  }

  /** Whole seconds, rounded up, at least 1: a client told 0 would retry at once. */
  private static long seconds(long nanos) {
    return Math.max(1, (nanos + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1));
  }

  /** Whether the request announced a body that has not been read: not a request without one, such as a GET. */
  private static boolean unreadBody(HttpServerRequest request) {
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    boolean body = request.headers().contains(HttpHeaders.TRANSFER_ENCODING) || length != null && !length.equals("0");
    return body && !request.isEnded();
  }

  private static String address(RoutingContext ctx) {
    SocketAddress remote = ctx.request().remoteAddress();
    return remote != null && remote.host() != null ? remote.host() : "unknown";
  }
}
