package red.sessions.vyoma.webhooks;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import red.sessions.vyoma.events.EventJson;
import red.sessions.vyoma.events.EventNotices;
import red.sessions.vyoma.platform.Metrics;
import red.sessions.vyoma.platform.OutboundTargets;

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
 * only wrote the event). When any node commits events ({@link EventNotices}), when the next retry falls due,
 * and at least every {@link #IDLE_MS} in case a notice was lost, the dispatcher first fans the outbox's newly
 * final events out into deliveries (one node at a time: {@link DeliveryStore#fanOut}; an event held back
 * behind an older transaction is looked for again shortly), then claims what is due, up to
 * {@link #MAX_IN_FLIGHT} sends at a time. A send is a {@code POST} of the envelope, signed
 * ({@link WebhookSignature}), that must answer 2xx within {@code webhooks.timeout_seconds}; redirects are not followed.
 * A node that dies mid-send leaves the delivery to be claimed again by any node once its lease (three
 * timeouts) runs out: delivery is at least once, and receivers dedupe by event id.
 */
public final class WebhookDispatcher extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
  static final int MAX_IN_FLIGHT = 32;
  static final long IDLE_MS = 5_000;
  /** Events fanned out per step (and transaction); a full step is followed by the next at once. */
  private static final int FAN_OUT_BATCH = 200;
  /** How soon to look again for events that wait for an older transaction to end. */
  private static final long HELD_BACK_MS = 100;
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
  private int inFlight;
  private boolean claiming;
  private boolean again;
  private boolean stopped;
  private long timer = -1;
  private boolean fanningOut;
  private boolean fanOutAgain;
  private boolean lookingAgainSoon;

  /**
   * @param config the {@code webhooks} section
   */
  public WebhookDispatcher(Pool pool, JsonObject config) {
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
    vertx.eventBus().localConsumer(EventNotices.ADDRESS, notice -> fanOut());
    fanOut();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    return client.close();
  }

  /** Queues the deliveries of newly final events, then claims; one step at a time, again if asked meanwhile. */
  private void fanOut() {
    if (stopped) {
      return;
    }
    if (fanningOut) {
      fanOutAgain = true;
      return;
    }
    fanningOut = true;
    fanOutAgain = false;
    store.fanOut(FAN_OUT_BATCH).onComplete(step -> {
      fanningOut = false;
      if (step.failed()) {
        LOG.warn("Could not queue webhook deliveries of new events (next try at the next wake-up): {}",
          step.cause().toString());
      }
      round();
      if (fanOutAgain || step.succeeded() && step.result().more()) {
        fanOut();
      } else if (step.succeeded() && step.result().heldBack()) {
        lookAgainSoon();
      }
    });
  }

  private void lookAgainSoon() {
    if (!lookingAgainSoon && !stopped) {
      lookingAgainSoon = true;
      vertx.setTimer(HELD_BACK_MS, id -> {
        lookingAgainSoon = false;
        fanOut();
      });
    }
  }

  /** Claims what is due, as far as there is room, and sends it; one claim at a time. */
  private void round() {
    int room = MAX_IN_FLIGHT - inFlight;
    if (stopped || claiming || room == 0) {
      again = true;
      return;
    }
    again = false;
    claiming = true;
    store.claim(room, leaseSeconds).onComplete(claimed -> {
      claiming = false;
      if (claimed.failed()) {
        LOG.warn("Could not claim webhook deliveries (next try in {} ms): {}", IDLE_MS, claimed.cause().toString());
        wakeIn(IDLE_MS);
        return;
      }
      claimed.result().forEach(this::deliver);
      if (again || claimed.result().size() == room) {
        round();
      } else {
        store.msUntilNextDue().onComplete(due -> wakeIn(due.succeeded() && due.result() != null
          ? Math.max(1, Math.min(due.result(), IDLE_MS)) : IDLE_MS));
      }
    });
  }

  private void wakeIn(long ms) {
    if (stopped) {
      return;
    }
    vertx.cancelTimer(timer);
    timer = vertx.setTimer(ms, id -> fanOut());
  }

  private void deliver(DeliveryStore.Claimed claimed) {
    inFlight++;
    send(claimed)
      .compose(outcome -> {
        attempts.get(outcome.outcome()).increment();
        return store.record(claimed, outcome, ThreadLocalRandom.current().nextDouble());
      })
      .onComplete(recorded -> {
        inFlight--;
        if (recorded.failed()) {
          LOG.warn("Could not record the attempt of delivery {} (it is sent again when its lease ends): {}",
            claimed.deliveryId(), recorded.cause().toString());
        }
        // The attempt may have set a retry sooner than the next wake-up: look again.
        round();
      });
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
    boolean tls = "https".equalsIgnoreCase(url.getScheme());
    int port = url.getPort() != -1 ? url.getPort() : tls ? 443 : 80;
    String path = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
      + (url.getRawQuery() != null ? "?" + url.getRawQuery() : "");
    return new RequestOptions()
      .setMethod(HttpMethod.POST)
      .setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()))
      .setHost(url.getHost())
      .setPort(port)
      .setSsl(tls)
      .setURI(path)
      .setConnectTimeout(timeoutMs)
      .setIdleTimeout(timeoutMs)
      .setFollowRedirects(false)
      .putHeader("Content-Type", "application/json")
      .putHeader("User-Agent", "Vyoma-Webhooks/1")
      .putHeader("Vyoma-Event-Id", claimed.event().id().toString())
      .putHeader("Vyoma-Event-Type", claimed.event().type())
      .putHeader("Vyoma-Delivery-Id", claimed.deliveryId().toString())
      .putHeader("Vyoma-Signature", WebhookSignature.header(System.currentTimeMillis() / 1000, body, claimed.secrets()));
  }
}
