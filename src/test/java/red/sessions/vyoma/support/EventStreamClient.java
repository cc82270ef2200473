package red.sessions.vyoma.support;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A client app following {@code GET /events/stream} as {@code EventSource} does: it keeps every event it
 * reads ({@code id:} and {@code data:} lines up to a blank line) and counts comment lines (heartbeats).
 * The stream never ends, so the contract check of the test clients, which reads whole bodies, cannot wrap
 * it: the status and content type are checked here.
 */
public final class EventStreamClient implements AutoCloseable {

  /** An event as the stream sent it: its {@code id:} and its {@code data:} parsed. */
  public record Sent(String id, JsonObject data) {
  }

  private static final Vertx VERTX = Vertx.vertx();

  private final HttpClient client = VERTX.createHttpClient();
  private final Queue<Sent> events = new ConcurrentLinkedQueue<>();
  private final Queue<String> comments = new ConcurrentLinkedQueue<>();
  private final StringBuilder pending = new StringBuilder();
  private final HttpClientResponse response;
  private final CompletableFuture<Void> ended = new CompletableFuture<>();

  /** A refusal of the stream, held to the contract: its status, its headers and its error body. */
  public record Refused(int status, MultiMap headers, JsonObject error) {
  }

  private EventStreamClient(int port, String uri, String token, String lastEventId) {
    // The handlers are set on the connection's thread as the answer arrives, before any of its body is read: set
    // later, from this thread, they could miss what the server sent first.
    response = client.request(options(port, uri, token, lastEventId))
      .compose(request -> request.send().map(answer -> {
        answer.handler(buffer -> read(buffer.toString()));
        answer.endHandler(v -> ended.complete(null));
        answer.exceptionHandler(e -> ended.complete(null));
        return answer;
      }))
      .await();
    assertEquals(200, response.statusCode());
    assertEquals("text/event-stream; charset=utf-8", response.getHeader("Content-Type"));
  }

  /** Whether the server ended the stream (or the connection went). */
  public boolean ended() {
    return ended.isDone();
  }

  /** Whether the server ends the stream (or the connection goes) within the time. */
  public boolean endsWithin(Duration within) {
    try {
      ended.get(within.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException stillOpen) {
      return false;
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Follows the stream at the port with the token, resuming after the event id when one is given. */
  public static EventStreamClient open(int port, String uri, String token, String lastEventId) {
    return new EventStreamClient(port, uri, token, lastEventId);
  }

  /**
   * Asks for the stream expecting a refusal, and reads the answer whole; a stream that opens instead (it would
   * never end) fails at once.
   */
  public static Refused refused(int port, String uri, String token) {
    HttpClient client = VERTX.createHttpClient();
    try {
      // The body is asked for as the answer arrives, on the client's thread, or its bytes could pass unread: the
      // whole chain is built there, in the request's callback, so it is in place before the answer can arrive
      // (built from this thread, a slow moment here let the answer arrive first, and the body was never read).
      return client.request(options(port, uri, token, null))
        .compose(request -> request.send().compose(response -> {
          if (response.statusCode() == 200) {
            return Future.failedFuture(new AssertionError("the stream was opened, not refused"));
          }
          return response.body().map(body -> {
            ResponseContract.check(HttpMethod.GET, uri, response.statusCode(), response.headers(), body);
            return new Refused(response.statusCode(), response.headers(), body.toJsonObject());
          });
        })).await();
    } finally {
      client.close().await();
    }
  }

  private static RequestOptions options(int port, String uri, String token, String lastEventId) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port).setURI(uri)
      .putHeader("Authorization", "Bearer " + token).putHeader("Accept", "text/event-stream");
    if (lastEventId != null) {
      options.putHeader("Last-Event-ID", lastEventId);
    }
    return options;
  }

  private synchronized void read(String chunk) {
    pending.append(chunk);
    int end;
    while ((end = pending.indexOf("\n\n")) >= 0) {
      String message = pending.substring(0, end);
      pending.delete(0, end + 2);
      if (message.startsWith(":")) {
        comments.add(message);
        continue;
      }
      String id = null;
      String data = null;
      for (String line : message.split("\n")) {
        if (line.startsWith("id: ")) {
          id = line.substring(4);
        } else if (line.startsWith("data: ")) {
          data = line.substring(6);
        }
      }
      events.add(new Sent(id, new JsonObject(data)));
    }
  }

  /** The events received once there are at least {@code count} matching ones (or the time is up). */
  public List<Sent> await(java.util.function.Predicate<Sent> matching, int count, Duration within) {
    return Wait.poll(within, Duration.ofMillis(20), () -> events.stream().filter(matching).toList(),
      matched -> matched.size() >= count);
  }

  public List<Sent> events() {
    return List.copyOf(events);
  }

  public int comments() {
    return comments.size();
  }

  /** The comment lines received, as sent ({@code : heartbeat}). */
  public List<String> commentLines() {
    return List.copyOf(comments);
  }

  @Override
  public void close() {
    client.close().await();
  }
}
