package red.sessions.vyoma.support;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientConnection;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpConnectOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.impl.HttpResponseImpl;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Requests raced against a server, and proof that they really were in flight at the same time.
 * Each racer gets a connection of its own, opened and used once before the start, and its request
 * ready to send; a start barrier then releases them all together. The race records when each request
 * was written out and when its answer came back, and fails unless the last request was written
 * before the first answer arrived: a server that took them one at a time, or a client that sent them
 * one after another, fails the race instead of passing it by luck.
 */
public final class Race {

  /** Fewer racers than this rarely collide at all. */
  public static final int MIN_RACERS = 20;

  private static final long IDLE_TIMEOUT_MS = 30_000;

  /** One racer's request: its bearer token (or none), extra headers and JSON body (or none). */
  public record Entrant(HttpMethod method, String uri, String token, Map<String, String> headers, JsonObject body) {

    public static Entrant of(HttpMethod method, String uri, String token, JsonObject body) {
      return new Entrant(method, uri, token, Map.of(), body);
    }

    public Entrant withHeader(String name, String value) {
      Map<String, String> more = new HashMap<>(headers);
      more.put(name, value);
      return new Entrant(method, uri, token, Map.copyOf(more), body);
    }
  }

  /** The answer to the request that waited first, and the racers' answers in racer order. */
  public record Heat(HttpResponse<Buffer> first, List<HttpResponse<Buffer>> racers) {
  }

  /** An answer, and when its head arrived. */
  private record Answer(HttpResponse<Buffer> response, long at) {
  }

  /** A racer's run: when its request was written out, and its answer. */
  private record Lap(long sentAt, Answer answer) {
  }

  private final HttpClientAgent client;
  private final List<HttpClientConnection> connections;
  private final List<Future<Lap>> laps;

  private Race(HttpClientAgent client, List<HttpClientConnection> connections, List<Future<Lap>> laps) {
    this.client = client;
    this.connections = connections;
    this.laps = laps;
  }

  /**
   * Races the requests into a row the test holds locked, and answers their responses in racer order. The
   * lock is released only once every racer waits on it inside the database: all of them are in the middle
   * of their transactions at once, which no server taking requests one at a time could bring about.
   */
  public static List<HttpResponse<Buffer>> heldBy(RowLock lock, TestServer server, int racers, IntFunction<Entrant> entrant) {
    try (lock) {
      Race race = start(server, racers, entrant);
      lock.awaitWaiting(racers);
      lock.release();
      return race.finish();
    }
  }

  /**
   * Like {@link #heldBy}, with one request sent before the racers and waiting on the lock before they
   * start: it heads the queue for the row, so it is the one still running when they arrive.
   */
  public static Heat heldBehind(RowLock lock, TestServer server, Entrant first, int racers, IntFunction<Entrant> entrant) {
    try (lock) {
      HttpRequest<Buffer> request = server.api().request(first.method(), first.uri());
      if (first.token() != null) {
        request.bearerTokenAuthentication(first.token());
      }
      first.headers().forEach(request::putHeader);
      Future<HttpResponse<Buffer>> leader = first.body() == null ? request.send() : request.sendJsonObject(first.body());
      lock.awaitWaiting(1);
      Race race = start(server, racers, entrant);
      lock.awaitWaiting(1 + racers);
      lock.release();
      return new Heat(leader.await(), race.finish());
    }
  }

  /** Sends the racers' requests all together and returns without waiting for the answers. */
  public static Race start(TestServer server, int racers, IntFunction<Entrant> entrant) {
    assertTrue(racers >= MIN_RACERS, () -> "a race needs at least " + MIN_RACERS + " racers, not " + racers);
    HttpClientAgent client = server.vertx().createHttpClient();
    HttpConnectOptions address = new HttpConnectOptions().setHost("localhost").setPort(server.config().http().getInteger("port"));
    List<HttpClientConnection> connections = Future.all(IntStream.range(0, racers)
      .mapToObj(i -> client.connect(address)).toList()).await().list();
    Entrant warmUp = Entrant.of(HttpMethod.GET, "/health", null, null);
    Future.all(connections.stream().map(connection -> connection.request(options(warmUp))
      .compose(request -> exchange(request, null))).toList()).await();

    List<Entrant> entrants = IntStream.range(0, racers).mapToObj(entrant).toList();
    List<HttpClientRequest> requests = Future.all(IntStream.range(0, racers)
      .mapToObj(i -> connections.get(i).request(options(entrants.get(i)))).toList()).await().list();

    Promise<Void> gate = Promise.promise();
    List<Future<Lap>> laps = IntStream.range(0, racers)
      .mapToObj(i -> gate.future().compose(open -> exchange(requests.get(i), entrants.get(i).body()))).toList();
    gate.complete();
    return new Race(client, connections, laps);
  }

  /** Waits for every answer, asserts the requests overlapped, and answers the responses in racer order. */
  public List<HttpResponse<Buffer>> finish() {
    List<Lap> done;
    try {
      done = Future.all(laps).await().list();
    } finally {
      Future.all(connections.stream().map(HttpClientConnection::close).toList()).eventually(client::close).await();
    }
    long lastSent = done.stream().mapToLong(Lap::sentAt).max().orElseThrow();
    long firstAnswered = done.stream().mapToLong(lap -> lap.answer().at()).min().orElseThrow();
    assertTrue(lastSent < firstAnswered, () -> String.format(
      "the racers did not overlap: the last request went out %.3f ms after the first answer came back",
      (lastSent - firstAnswered) / 1e6));
    return done.stream().map(lap -> lap.answer().response()).toList();
  }

  private static RequestOptions options(Entrant entrant) {
    RequestOptions options = new RequestOptions().setMethod(entrant.method()).setURI(entrant.uri())
      .setIdleTimeout(IDLE_TIMEOUT_MS);
    if (entrant.token() != null) {
      options.putHeader("Authorization", "Bearer " + entrant.token());
    }
    if (entrant.body() != null) {
      options.putHeader("Content-Type", "application/json");
    }
    entrant.headers().forEach(options::putHeader);
    return options;
  }

  /**
   * Sends the request and reads its answer, noting when the request was written out. The answer's handler
   * is in place before the request goes out, so it runs on the connection's event loop as the head
   * arrives and reads the body before any of it could be missed.
   */
  private static Future<Lap> exchange(HttpClientRequest request, JsonObject body) {
    Future<Answer> answer = request.response().compose(response -> {
      long at = System.nanoTime();
      // The response type WebClient answers, so the usual assertions apply to racers' answers, the contract's first.
      return response.body().map(content -> {
        HttpResponse<Buffer> answered = new HttpResponseImpl<>(response.version(), response.statusCode(),
          response.statusMessage(), response.headers(), response.trailers(), response.cookies(), content, List.of());
        ResponseContract.check(request.getMethod(), request.getURI(), answered);
        return new Answer(answered, at);
      });
    });
    Future<Long> sent = (body == null ? request.end() : request.end(body.toBuffer())).map(v -> System.nanoTime());
    return Future.all(sent, answer).map(both -> new Lap(sent.result(), answer.result()));
  }
}
