package red.sessions.vyoma.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

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
  private final AtomicInteger comments = new AtomicInteger();
  private final StringBuilder pending = new StringBuilder();
  private final HttpClientResponse response;
  private volatile boolean ended;

  private EventStreamClient(int port, String uri, String token, String lastEventId) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port).setURI(uri)
      .putHeader("Authorization", "Bearer " + token).putHeader("Accept", "text/event-stream");
    if (lastEventId != null) {
      options.putHeader("Last-Event-ID", lastEventId);
    }
    response = client.request(options).compose(request -> request.send()).await();
    assertEquals(200, response.statusCode());
    assertEquals("text/event-stream; charset=utf-8", response.getHeader("Content-Type"));
    response.handler(buffer -> read(buffer.toString()));
    response.endHandler(v -> ended = true);
    response.exceptionHandler(e -> ended = true);
  }

  /** Whether the server ended the stream (or the connection went). */
  public boolean ended() {
    return ended;
  }

  /** Follows the stream at the port with the token, resuming after the event id when one is given. */
  public static EventStreamClient open(int port, String uri, String token, String lastEventId) {
    return new EventStreamClient(port, uri, token, lastEventId);
  }

  private synchronized void read(String chunk) {
    pending.append(chunk);
    int end;
    while ((end = pending.indexOf("\n\n")) >= 0) {
      String message = pending.substring(0, end);
      pending.delete(0, end + 2);
      if (message.startsWith(":")) {
        comments.incrementAndGet();
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
    Instant deadline = Instant.now().plus(within);
    while (events.stream().filter(matching).count() < count && Instant.now().isBefore(deadline)) {
      LessonEvents.pause(20);
    }
    return events.stream().filter(matching).toList();
  }

  public List<Sent> events() {
    return List.copyOf(events);
  }

  public int comments() {
    return comments.get();
  }

  @Override
  public void close() {
    client.close().await();
  }
}
