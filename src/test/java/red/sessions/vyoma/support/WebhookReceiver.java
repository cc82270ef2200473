package red.sessions.vyoma.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A real webhook receiver, as a platform service would run one: a Vert.x HTTP server on loopback that keeps
 * every request it gets. Each path answers as the test sets it: by default 200; {@link #failFirst} answers a
 * status to the first requests of a path; {@link #answer} a status to all of them.
 */
public final class WebhookReceiver implements AutoCloseable {

  /** A request as received: its path, the headers that matter, the raw body, and when it came. */
  public record Received(String path, String eventId, String eventType, String signature, String body, Instant at) {

    public JsonObject json() {
      return new JsonObject(body);
    }

    /**
     * Whether the signature holds for the secret, as a receiver checks it: HMAC-SHA256 of {@code "<t>.<body>"}
     * with the secret, hex, equal to one of the {@code v1} values.
     */
    public boolean signedWith(String secret) {
      String t = part("t").get(0);
      String expected = hmac(secret, t + "." + body);
      return part("v1").contains(expected);
    }

    /** The values of one key of the signature header, in order. */
    public List<String> part(String key) {
      return Arrays.stream(signature.split(",")).filter(pair -> pair.startsWith(key + "="))
        .map(pair -> pair.substring(key.length() + 1)).toList();
    }
  }

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final Queue<Received> received = new ConcurrentLinkedQueue<>();
  private final AtomicInteger connections = new AtomicInteger();
  private final Map<String, Integer> statuses = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> failuresLeft = new ConcurrentHashMap<>();
  private final Map<String, Integer> failureStatus = new ConcurrentHashMap<>();
  private volatile long delayMs;

  public WebhookReceiver() {
    server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      String path = request.path();
      received.add(new Received(path, request.getHeader("Vyoma-Event-Id"), request.getHeader("Vyoma-Event-Type"),
        request.getHeader("Vyoma-Signature"), body.toString(), Instant.now()));
      AtomicInteger left = failuresLeft.get(path);
      int status = left != null && left.getAndDecrement() > 0 ? failureStatus.get(path) : statuses.getOrDefault(path, 200);
      if (delayMs > 0) {
        vertx.setTimer(delayMs, id -> request.response().setStatusCode(status).end());
      } else {
        request.response().setStatusCode(status).end();
      }
    })).connectionHandler(connection -> connections.incrementAndGet()).listen(0, "127.0.0.1").await();
  }

  /** How many connections were opened to this receiver, whether or not a request came through them. */
  public int connections() {
    return connections.get();
  }

  /** The port this receiver listens on, on loopback. */
  public int port() {
    return server.actualPort();
  }

  /** The URL of a path on this receiver. */
  public String url(String path) {
    return "http://127.0.0.1:" + port() + path;
  }

  public WebhookReceiver answer(String path, int status) {
    statuses.put(path, status);
    return this;
  }

  public WebhookReceiver failFirst(String path, int times, int status) {
    failureStatus.put(path, status);
    failuresLeft.put(path, new AtomicInteger(times));
    return this;
  }

  /** Every answer waits this long, so that sends overlap. */
  public WebhookReceiver delay(Duration delay) {
    this.delayMs = delay.toMillis();
    return this;
  }

  public List<Received> at(String path) {
    return received.stream().filter(request -> request.path().equals(path)).toList();
  }

  /** The requests to the path once there are at least {@code count} matching ones, then after a moment, to see no more came. */
  public List<Received> await(String path, Predicate<Received> matching, int count, Duration within) {
    Wait.poll(within, Duration.ofMillis(50), () -> at(path).stream().filter(matching).count(), matched -> matched >= count);
    Wait.sleep(500);
    return at(path).stream().filter(matching).toList();
  }

  static String hmac(String secret, String signed) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
