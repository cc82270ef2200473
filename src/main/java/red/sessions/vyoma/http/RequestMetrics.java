package red.sessions.vyoma.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import red.sessions.vyoma.platform.Metrics;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The API server's request metrics, under the names Vert.x's Micrometer integration gives them, recorded here
 * instead of by it ({@link Metrics} turns its HTTP server metrics off). Vert.x 5.0.7 sets a server's metrics after
 * its port accepts: a connection accepted in between gets no connection metric, and its requests then fail inside
 * the metrics with a NullPointerException and are never answered. It also labels a request with whatever method
 * the client sent, so that made-up methods made new meters without end.
 *
 * <p>Shared by all the node's HTTP verticles (its gauges count for the node): {@code vertx_http_server_requests_total}
 * and the latency histogram {@code vertx_http_server_response_time_seconds} by {@code method}, {@code code} and
 * {@code route} (the route's template, empty for a request no route took); {@code vertx_http_server_active_requests}
 * by {@code method}; {@code vertx_http_server_active_connections}; {@code vertx_http_server_bytes_read_total} and
 * {@code vertx_http_server_bytes_written_total}, the requests' and answers' bodies. A method the API does not know
 * is labelled {@code OTHER}. A request's meters are made once per method, route template and status.
 */
public final class RequestMetrics {

  private static final Set<HttpMethod> KNOWN = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST, HttpMethod.PUT,
    HttpMethod.PATCH, HttpMethod.DELETE, HttpMethod.OPTIONS);
  private static final String OTHER = "OTHER";

  /** What a request's meters are told apart by. */
  private record Outcome(String method, String route, int code) {
  }

  private record Answered(Counter requests, Timer time) {
  }

  private final MeterRegistry meters;
  private final AtomicLong connections = new AtomicLong();
  private final Map<String, AtomicLong> activeByMethod = new ConcurrentHashMap<>();
  private final Map<Outcome, Answered> byOutcome = new ConcurrentHashMap<>();
  private final Counter bytesRead;
  private final Counter bytesWritten;

  private RequestMetrics(MeterRegistry meters) {
    this.meters = meters;
    Gauge.builder("vertx.http.server.active.connections", connections, AtomicLong::get)
      .description("Connections open to the API server")
      .register(meters);
    this.bytesRead = Counter.builder("vertx.http.server.bytes.read")
      .description("Bytes of request bodies the API server read")
      .register(meters);
    this.bytesWritten = Counter.builder("vertx.http.server.bytes.written")
      .description("Bytes of response bodies the API server wrote")
      .register(meters);
  }

  /** The node's request metrics; one instance serves every HTTP verticle. */
  public static RequestMetrics create(Vertx vertx) {
    return new RequestMetrics(Metrics.registry(vertx));
  }

  /** Counts a connection to the API server while it is open. */
  public void connected(HttpConnection connection) {
    connections.incrementAndGet();
    connection.closeHandler(closed -> connections.decrementAndGet());
  }

  /**
   * The router's first handler: counts the request as active until it ends, however it ends, and an answered one
   * by its method, route template and status, with its time from here to the end of its answer.
   */
  public void record(RoutingContext ctx) {
    long started = System.nanoTime();
    String method = KNOWN.contains(ctx.request().method()) ? ctx.request().method().name() : OTHER;
    AtomicLong active = activeByMethod.computeIfAbsent(method, this::activeGauge);
    active.incrementAndGet();
    ctx.addEndHandler(ended -> {
      active.decrementAndGet();
      bytesRead.increment(ctx.request().bytesRead());
      bytesWritten.increment(ctx.response().bytesWritten());
      if (ended.succeeded()) {
        String route = AccessLog.template(ctx);
        Answered answered = byOutcome.computeIfAbsent(
          new Outcome(method, route != null ? route : "", ctx.response().getStatusCode()), this::answered);
        answered.requests().increment();
        answered.time().record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
      }
    });
    ctx.next();
  }

  private AtomicLong activeGauge(String method) {
    AtomicLong active = new AtomicLong();
    Gauge.builder("vertx.http.server.active.requests", active, AtomicLong::get)
      .description("Requests the API server is answering")
      .tag("method", method)
      .register(meters);
    return active;
  }

  private Answered answered(Outcome outcome) {
    String code = Integer.toString(outcome.code());
    return new Answered(
      Counter.builder("vertx.http.server.requests")
        .description("Requests the API server answered")
        .tags("method", outcome.method(), "route", outcome.route(), "code", code)
        .register(meters),
      Timer.builder("vertx.http.server.response.time")
        .description("Time from a request's arrival to the end of its answer")
        .tags("method", outcome.method(), "route", outcome.route(), "code", code)
        .publishPercentileHistogram()
        .register(meters));
  }
}
