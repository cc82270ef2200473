package red.sessions.vyoma.http;

import io.github.bucket4j.ConsumptionProbe;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
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
import red.sessions.vyoma.platform.Cluster;
import red.sessions.vyoma.platform.Metrics;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Per-caller rate limits (OWASP API4:2023), shared by all the node's HTTP verticles: a token bucket per
 * authenticated user, a stricter one per user for the writes that cost money or capacity (Chime meetings
 * and attendees, stored files, bookings), one per client address for the open routes and for failed
 * authentications, and one per calendar feed for the feeds calendar apps fetch without a token (a feed, not an
 * address: one calendar service fetches many users' feeds from the same addresses). Admins, and the health and
 * metrics routes, are not limited. A request over its limit is
 * 429 with {@code Retry-After} and {@code RateLimit-Limit}, {@code RateLimit-Remaining},
 * {@code RateLimit-Reset}, refused before any domain is called, and counted in
 * {@code vyoma_rate_limited_total{bucket}}. Unclustered the buckets are the node's; clustered they are the
 * cluster's ({@link CallerBuckets}), and a bucket the cluster cannot answer for makes the request 503.
 */
public final class RateLimits {

  /** The operations that take from the write bucket too, as {@code METHOD /path} of the route table. */
  private static final Set<String> COSTLY_WRITES = Set.of("POST /meetings", "POST /attendees", "POST /presigned-url",
    "POST /bookings");
  private static final String LIMITED = "vyoma.rate.limited";
  /** The cluster maps of the buckets, one per kind: not {@code vyoma.*}, whose near cache they must not have. */
  private static final String CLUSTER_MAPS = "rate-limits.";

  private final boolean enabled;
  private final Limit users;
  private final Limit writes;
  private final Limit addresses;
  private final Limit feeds;

  /** The buckets of one kind and the counter of the requests they refused. */
  private record Limit(CallerBuckets buckets, Counter limited) {
  }

  private RateLimits(boolean enabled, Limit users, Limit writes, Limit addresses, Limit feeds) {
    this.enabled = enabled;
    this.users = users;
    this.writes = writes;
    this.addresses = addresses;
    this.feeds = feeds;
  }

  /**
   * The limits of the node, from the {@code rate_limits} section; one instance serves every HTTP verticle.
   *
   * @param cluster the cluster this node joined, whose limits these are, or {@code null} for a single node
   */
  public static RateLimits create(Vertx vertx, JsonObject config, Cluster cluster) {
    MeterRegistry meters = Metrics.registry(vertx);
    return new RateLimits(config.getBoolean("enabled"),
      limit("user", config, cluster, meters),
      limit("write", config, cluster, meters),
      limit("address", config, cluster, meters),
      limit("feed", config, cluster, meters));
  }

  private static Limit limit(String name, JsonObject config, Cluster cluster, MeterRegistry meters) {
    long burst = config.getLong(name + "_burst");
    long perMinute = config.getLong(name + "_per_minute");
    int maxCallers = config.getInteger("max_callers");
    CallerBuckets buckets = cluster == null
      ? CallerBuckets.local(burst, perMinute, maxCallers)
      : CallerBuckets.clustered(burst, perMinute, maxCallers, cluster.tokenBuckets(CLUSTER_MAPS + name), cluster::members);
    Counter limited = Counter.builder(LIMITED)
      .description("Requests refused with 429: bucket=user (per user), write (costly writes per user), address (per client address), "
        + "feed (per calendar feed)")
      .tag("bucket", name)
      .register(meters);
    return new Limit(buckets, limited);
  }

  /** The first handler of an open route: the client address's bucket. */
  public void byAddress(RoutingContext ctx) {
    admit(ctx, addresses, address(ctx), ctx::next);
  }

  /** The first handler of a feed's fetch: the feed's bucket, named by {@code feed} (no secret: a hash of its token). */
  public void byFeed(RoutingContext ctx, String feed) {
    admit(ctx, feeds, feed, ctx::next);
  }

  /**
   * A request whose authentication failed: 401, or 429 once its address has failed too often, so guessing
   * tokens is as limited as calling the open routes.
   */
  void refuseAuthentication(RoutingContext ctx) {
    admit(ctx, addresses, address(ctx), () -> ctx.fail(401));
  }

  /** The handler that follows authentication on an operation: the caller's bucket, and the write bucket for a costly write. */
  public Handler<RoutingContext> afterAuthentication(HttpMethod method, String path) {
    boolean costly = COSTLY_WRITES.contains(method.name() + " " + path);
    return ctx -> {
      Caller caller = BearerAuthentication.caller(ctx);
      if (caller.admin()) {
        ctx.next();
        return;
      }
      String user = caller.userId();
      admit(ctx, users, user, costly ? () -> admit(ctx, writes, user, ctx::next) : ctx::next);
    };
  }

  /**
   * Takes a token from the caller's bucket and goes on with {@code admitted}, or fails the request with 429
   * when the bucket has none left.
   */
  private void admit(RoutingContext ctx, Limit limit, String caller, Runnable admitted) {
    if (!enabled) {
      admitted.run();
      return;
    }
    CompletableFuture<ConsumptionProbe> taken = limit.buckets().take(caller);
    if (taken.isDone() && !taken.isCompletedExceptionally()) {
      judge(ctx, limit, taken.join(), admitted);
      return;
    }
    // The cluster answers later: a body not read yet waits for the handler that reads it (which resumes it).
    if (!ctx.request().isEnded()) {
      ctx.request().pause();
    }
    Future.fromCompletionStage(taken, ctx.vertx().getOrCreateContext()).onComplete(
      probe -> judge(ctx, limit, probe, admitted),
      failure -> ctx.fail(new HttpException(503, "the rate limits could not be checked: the cluster did not answer", failure)));
  }

  private void judge(RoutingContext ctx, Limit limit, ConsumptionProbe probe, Runnable admitted) {
    if (probe.isConsumed()) {
      admitted.run();
      return;
    }
    limit.limited().increment();
    long retryAfter = seconds(probe.getNanosToWaitForRefill());
    HttpServerResponse response = ctx.response()
      .putHeader("Retry-After", String.valueOf(retryAfter))
      .putHeader("RateLimit-Limit", String.valueOf(limit.buckets().burst()))
      .putHeader("RateLimit-Remaining", String.valueOf(probe.getRemainingTokens()))
      .putHeader("RateLimit-Reset", String.valueOf(seconds(probe.getNanosToWaitForReset())));
    if (unreadBody(ctx.request())) {
      // A body the server will not read (an upload): closing is quicker for both sides than draining it.
      response.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    }
    ctx.fail(new HttpException(429, "too many requests; retry after " + retryAfter + " s"));
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
