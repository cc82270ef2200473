package red.sessions.vyoma.webhooks;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import red.sessions.vyoma.events.EventJson;
import red.sessions.vyoma.events.EventPage;
import red.sessions.vyoma.events.OutboxFollower;
import red.sessions.vyoma.platform.Metrics;
import red.sessions.vyoma.platform.OutboundTargets;
import red.sessions.vyoma.platform.RetryPolicy;

import java.net.InetAddress;
import java.net.URI;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Queues and sends webhook deliveries, on every node, on an event loop: never blocking it (the HTTP client is
 * Vert.x's, and the one blocking step, resolving the receiver's name for the {@link OutboundTargets} check,
 * runs on a worker) and never in the way of the API call whose change made the event (the call's transaction
 * only wrote the event). It follows the outbox as {@link OutboxFollower} does: each final event is fanned out
 * into deliveries to the webhooks active at that moment whose patterns match (one node at a time, after the
 * cursor row {@code webhook_fanout}: {@link DeliveryStore#queue}), then what is due is claimed, up to
 * {@link #MAX_IN_FLIGHT} sends at a time, looking at least every {@link #IDLE_MS}. A send is a {@code POST} of
 * the envelope, signed ({@link WebhookSignature}), that must answer 2xx within {@code webhooks.timeout_seconds};
 * redirects are not followed. A node that dies mid-send leaves the delivery to be claimed again by any node once
 * its lease (three timeouts) runs out: delivery is at least once, and receivers dedupe by event id.
 */
public final class WebhookDispatcher extends OutboxFollower<DeliveryStore.Claimed> {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
  static final int MAX_IN_FLIGHT = 32;
  static final long IDLE_MS = 5_000;
  private static final String ATTEMPTS = "vyoma.webhooks.attempts";
  private static final int MAX_ERROR = 500;

  private final DeliveryStore store;
  private final OutboundTargets targets;
  /** How long a receiver has to answer ({@code webhooks.timeout_seconds}). */
  private final long timeoutMs;
  /** Three times the timeout: longer than any send takes, so a claimed delivery is never sent twice at once. */
  private final long leaseSeconds;
  private HttpClient client;
  private Map<String, Counter> attempts;

  /**
   * @param config the {@code webhooks} section
   */
  public WebhookDispatcher(Pool pool, JsonObject config) {
    super(pool, "webhook deliveries", DeliveryStore.FAN_OUT_FROM, MAX_IN_FLIGHT, IDLE_MS, "vyoma.webhooks.due");
    for (String key : List.of("retry_base_seconds", "retry_for_hours", "timeout_seconds")) {
      if (config.getLong(key) <= 0) {
        throw new IllegalArgumentException("webhooks." + key + " must be positive");
      }
    }
    this.store = new DeliveryStore(pool, RetryPolicy.of(config));
    this.targets = new OutboundTargets(config.getBoolean("allow_private_targets"));
    this.timeoutMs = config.getLong("timeout_seconds") * 1000;
    this.leaseSeconds = config.getLong("timeout_seconds") * 3;
  }

  @Override
  public Future<?> start() {
    MeterRegistry meters = Metrics.registry(vertx);
    attempts = Stream.of(DeliveryStore.Outcome.DELIVERED, DeliveryStore.Outcome.RETRY, DeliveryStore.Outcome.GONE)
      .collect(Collectors.toMap(Function.identity(), outcome -> Counter.builder(ATTEMPTS)
        .description("Webhook delivery attempts by outcome: delivered (2xx), retry (anything else), gone (410)")
        .tag("outcome", outcome)
        .register(meters)));
    client = vertx.createHttpClient(new HttpClientOptions().setForceSni(true).setConnectTimeout((int) timeoutMs)
      .setIdleTimeout((int) timeoutMs).setIdleTimeoutUnit(TimeUnit.MILLISECONDS), new PoolOptions().setHttp1MaxSize(MAX_IN_FLIGHT));
    return super.start();
  }

  @Override
  public Future<?> stop() {
    return super.stop().compose(stopped -> client.close());
  }

  @Override
  protected Future<?> queue(SqlConnection connection, EventPage page) {
    return store.queue(connection, page);
  }

  @Override
  protected Future<List<DeliveryStore.Claimed>> claim(int max) {
    return store.claim(max, leaseSeconds);
  }

  @Override
  protected Future<Long> msUntilNextDue() {
    return store.msUntilNextDue();
  }

  @Override
  protected Future<Long> countDue() {
    return store.countDue();
  }

  @Override
  protected Future<?> work(DeliveryStore.Claimed claimed) {
    return send(claimed)
      .compose(outcome -> {
        attempts.get(outcome.outcome()).increment();
        return store.record(claimed, outcome, ThreadLocalRandom.current().nextDouble());
      })
      .onFailure(e -> LOG.warn("Could not record the attempt of delivery {} (it is sent again when its lease ends): {}",
        claimed.deliveryId(), e.toString()));
  }

  /** One attempt: what it came to, never a failed future. */
  private Future<DeliveryStore.Outcome> send(DeliveryStore.Claimed claimed) {
    OffsetDateTime at = OffsetDateTime.now(ZoneOffset.UTC);
    long started = System.nanoTime();
    String body = EventJson.envelope(claimed.event()).encode();
    URI url = URI.create(claimed.url());
    return vertx.executeBlocking(() -> targets.resolve(claimed.url()), false)
      .compose(address -> client.request(request(url, address, claimed, body)))
      .compose(request -> request.send(body))
      .compose(response -> {
        response.handler(ignored -> { });
        return response.end().map(response.statusCode());
      })
      .timeout(timeoutMs, TimeUnit.MILLISECONDS)
      .transform(sent -> {
        long durationMs = (System.nanoTime() - started) / 1_000_000;
        if (sent.failed()) {
          String error = String.valueOf(sent.cause().getMessage());
          return Future.succeededFuture(new DeliveryStore.Outcome(DeliveryStore.Outcome.RETRY, at, null,
            error.length() > MAX_ERROR ? error.substring(0, MAX_ERROR) : error, durationMs));
        }
        int status = sent.result();
        String outcome = status >= 200 && status < 300 ? DeliveryStore.Outcome.DELIVERED
          : status == 410 ? DeliveryStore.Outcome.GONE : DeliveryStore.Outcome.RETRY;
        return Future.succeededFuture(new DeliveryStore.Outcome(outcome, at, status, null, durationMs));
      });
  }

  /** The POST to the address that was checked, for the URL's host (its Host header and TLS name). */
  private RequestOptions request(URI url, InetAddress address, DeliveryStore.Claimed claimed, String body) {
    return OutboundTargets.requestTo(url, address, HttpMethod.POST, timeoutMs)
      .putHeader("Content-Type", "application/json")
      .putHeader("User-Agent", "Vyoma-Webhooks/1")
      .putHeader("Vyoma-Event-Id", claimed.event().id().toString())
      .putHeader("Vyoma-Event-Type", claimed.event().type())
      .putHeader("Vyoma-Delivery-Id", claimed.deliveryId().toString())
      .putHeader("Vyoma-Signature", WebhookSignature.header(System.currentTimeMillis() / 1000, body, claimed.secrets()));
  }
}
