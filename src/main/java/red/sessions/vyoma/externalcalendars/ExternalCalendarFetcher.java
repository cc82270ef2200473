package red.sessions.vyoma.externalcalendars;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.platform.Metrics;
import red.sessions.vyoma.platform.OutboundTargets;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Fetches the teachers' external calendars, on every node, on an event loop: never blocking it (the HTTP client
 * is Vert.x's; resolving the host for the {@link OutboundTargets} check and reading the file with iCal4j run on
 * a worker). When a teacher puts their list ({@link #DUE}), when the next calendar falls due, and at least every
 * {@link #IDLE_MS}, it claims due calendars ({@link ExternalCalendarStore#claim}: one node fetches each) and
 * fetches up to {@link #MAX_IN_FLIGHT} at a time: a {@code GET} to the very address checked, conditional on
 * the last full read's {@code ETag}/{@code Last-Modified}, that must answer within
 * {@code calendars.timeout_seconds} with at most {@link #MAX_BYTES}; redirects are not followed (the address
 * checked is the address read). Each calendar is fetched again {@code calendars.refresh_minutes} after its
 * last fetch, failed or not; a failed fetch keeps the busy times of the last good one. A node that dies
 * mid-fetch leaves the calendar to any node once its lease (three timeouts) runs out.
 */
public final class ExternalCalendarFetcher extends VerticleBase {

  /** This node's fetcher listens here for calendars put just now. */
  static final String DUE = "vyoma.external-calendars.due";
  static final int MAX_IN_FLIGHT = 8;
  static final long IDLE_MS = 60_000;
  /** The largest calendar file read: a teacher's year of events is far less; more is refused as too large. */
  static final int MAX_BYTES = 5 * 1024 * 1024;
  /** A teacher with no schedule has no booking window of their own: their busy time is read this far ahead. */
  static final int DEFAULT_DAYS_AHEAD = 365;
  private static final String FETCHES = "vyoma.calendars.fetches";
  private static final int MAX_ERROR = 300;
  private static final Logger LOG = LoggerFactory.getLogger(ExternalCalendarFetcher.class);

  private final ExternalCalendarStore store;
  private final OutboundTargets targets;
  private final long timeoutMs;
  private final long leaseSeconds;
  private final long refreshSeconds;
  private HttpClient client;
  private Map<String, Counter> fetches;
  private int inFlight;
  private boolean claiming;
  private boolean again;
  private boolean stopped;
  private long timer = -1;

  /**
   * @param config the {@code calendars} section
   */
  public ExternalCalendarFetcher(Pool pool, JsonObject config) {
    for (String key : List.of("refresh_minutes", "timeout_seconds")) {
      if (config.getLong(key) <= 0) {
        throw new IllegalArgumentException("calendars." + key + " must be positive");
      }
    }
    this.store = new ExternalCalendarStore(pool);
    this.targets = new OutboundTargets(config.getBoolean("allow_private_targets"));
    this.timeoutMs = config.getLong("timeout_seconds") * 1000;
    this.leaseSeconds = config.getLong("timeout_seconds") * 3;
    this.refreshSeconds = config.getLong("refresh_minutes") * 60;
  }

  @Override
  public Future<?> start() {
    MeterRegistry meters = Metrics.registry(vertx);
    fetches = Stream.of(Outcome.READ, Outcome.UNCHANGED, Outcome.FAILED)
      .collect(Collectors.toMap(Function.identity(), outcome -> Counter.builder(FETCHES)
        .description("External calendar fetches by outcome: read (200), unchanged (304), failed (the calendar's error)")
        .tag("outcome", outcome)
        .register(meters)));
    client = vertx.createHttpClient(new HttpClientOptions().setForceSni(true).setDecompressionSupported(true)
        .setConnectTimeout((int) timeoutMs).setIdleTimeout((int) timeoutMs).setIdleTimeoutUnit(TimeUnit.MILLISECONDS),
      new PoolOptions().setHttp1MaxSize(MAX_IN_FLIGHT));
    vertx.eventBus().localConsumer(DUE, notice -> round());
    round();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    return client.close();
  }

  /** Claims what is due, as far as there is room, and fetches it; one claim at a time, again if asked meanwhile. */
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
        LOG.warn("Could not claim external calendars (next try in {} ms): {}", IDLE_MS, claimed.cause().toString());
        wakeIn(IDLE_MS);
        return;
      }
      claimed.result().forEach(this::fetch);
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
    timer = vertx.setTimer(ms, id -> round());
  }

  private void fetch(ExternalCalendarStore.Claimed claimed) {
    inFlight++;
    Instant now = Instant.now();
    ZoneId zone = claimed.timeZone() == null ? ZoneOffset.UTC : ZoneId.of(claimed.timeZone());
    Instant until = now.plus(Duration.ofDays((claimed.maxDaysAhead() == null ? DEFAULT_DAYS_AHEAD
      : claimed.maxDaysAhead()) + 2L));
    get(claimed)
      .compose(answer -> answer.body() == null
        ? store.unchanged(claimed, refreshSeconds).map(Outcome.UNCHANGED)
        : vertx.executeBlocking(() -> BusyTimes.read(new ByteArrayInputStream(answer.body().getBytes()), zone,
            now.minus(Duration.ofDays(1)), until), false)
          .recover(e -> Future.failedFuture(e instanceof BusyTimes.NotICalendar ? new Failure(e.getMessage()) : e))
          .compose(busy -> store.read(claimed, answer.etag(), answer.lastModified(), busy, refreshSeconds))
          .map(Outcome.READ))
      .recover(e -> e instanceof Failure failure
        ? store.failed(claimed, failure.getMessage(), refreshSeconds).map(Outcome.FAILED)
        : Future.failedFuture(e))
      .onComplete(done -> {
        inFlight--;
        if (done.succeeded()) {
          fetches.get(done.result()).increment();
        } else {
          LOG.warn("Could not record the fetch of external calendar {} (it is fetched again when its lease ends): {}",
            claimed.id(), done.cause().toString());
        }
        if (again) {
          round();
        }
      });
  }

  /** What the calendar's server answered: the file and its validators, or no body for 304 Not Modified. */
  private record Answer(Buffer body, String etag, String lastModified) {
  }

  /** The fetch itself: the answer, or a {@link Failure} that says why there is none. */
  private Future<Answer> get(ExternalCalendarStore.Claimed claimed) {
    URI url = URI.create(claimed.url());
    AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
    return vertx.executeBlocking(() -> targets.resolve(claimed.url()), false)
      .recover(e -> Future.failedFuture(e instanceof DomainException refused
        ? new Failure("refused address: " + refused.getMessage()) : e))
      .compose(address -> client.request(request(url, address, claimed)))
      .compose(request -> {
        sent.set(request);
        return request.send();
      })
      .compose(this::answer)
      .timeout(timeoutMs, TimeUnit.MILLISECONDS)
      .recover(e -> {
        HttpClientRequest request = sent.get();
        if (request != null) {
          request.reset();
        }
        return Future.failedFuture(e instanceof Failure ? e : new Failure("unreachable: " + describe(e)));
      });
  }

  private Future<Answer> answer(HttpClientResponse response) {
    int status = response.statusCode();
    if (status == 304) {
      return response.end().map(new Answer(null, null, null));
    }
    if (status != 200) {
      response.request().reset();
      return Future.failedFuture(new Failure("HTTP " + status + (status / 100 == 3
        ? ": redirects are not followed; put the address it points to instead" : "")));
    }
    String length = response.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null && length.length() < 19 && length.chars().allMatch(Character::isDigit)
      && Long.parseLong(length) > MAX_BYTES) {
      response.request().reset();
      return Future.failedFuture(tooLarge());
    }
    Buffer body = Buffer.buffer();
    boolean[] over = {false};
    response.handler(chunk -> {
      if (!over[0] && body.length() + chunk.length() > MAX_BYTES) {
        over[0] = true;
        response.request().reset();
      } else if (!over[0]) {
        body.appendBuffer(chunk);
      }
    });
    return response.end().transform(ended -> {
      if (over[0]) {
        return Future.failedFuture(tooLarge());
      }
      return ended.succeeded() ? Future.succeededFuture(new Answer(body, validator(response.getHeader(HttpHeaders.ETAG)),
        validator(response.getHeader(HttpHeaders.LAST_MODIFIED)))) : Future.failedFuture(ended.cause());
    });
  }

  private static Failure tooLarge() {
    return new Failure("too large: more than " + MAX_BYTES / (1024 * 1024) + " MiB");
  }

  /** A validator to send back next time, if it is one a server could mean (short, one line). */
  private static String validator(String value) {
    return value != null && value.length() <= 256 && value.chars().noneMatch(c -> c < 0x20) ? value : null;
  }

  /** Why the server could not be read: a timeout (the whole fetch's, or the connection's) says how long it had. */
  private String describe(Throwable e) {
    if (e instanceof TimeoutException) {
      return "no answer within " + timeoutMs / 1000 + " s";
    }
    String message = String.valueOf(e.getMessage());
    return message.length() > MAX_ERROR ? message.substring(0, MAX_ERROR) : message;
  }

  /** The GET to the address that was checked, for the URL's host (its Host header and TLS name). */
  private RequestOptions request(URI url, InetAddress address, ExternalCalendarStore.Claimed claimed) {
    RequestOptions options = OutboundTargets.requestTo(url, address, HttpMethod.GET, timeoutMs)
      .putHeader(HttpHeaders.ACCEPT, "text/calendar, */*;q=0.5")
      .putHeader(HttpHeaders.USER_AGENT, "Vyoma-Calendars/1");
    if (claimed.etag() != null) {
      options.putHeader(HttpHeaders.IF_NONE_MATCH, claimed.etag());
    }
    if (claimed.lastModified() != null) {
      options.putHeader(HttpHeaders.IF_MODIFIED_SINCE, claimed.lastModified());
    }
    return options;
  }

  /** Why a fetch brought nothing, as the calendar's {@code error} says it: the teacher's to read. */
  private static final class Failure extends RuntimeException {
    Failure(String message) {
      super(message, null, false, false);
    }
  }

  /** What a fetch came to, for the metric. */
  private static final class Outcome {
    static final String READ = "read";
    static final String UNCHANGED = "unchanged";
    static final String FAILED = "failed";
  }
}
