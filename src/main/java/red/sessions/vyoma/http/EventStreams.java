package red.sessions.vyoma.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.events.Event;
import red.sessions.vyoma.events.EventCursor;
import red.sessions.vyoma.events.EventNotices;
import red.sessions.vyoma.events.EventPage;
import red.sessions.vyoma.events.EventService;

import java.util.HashSet;
import java.util.Set;

/**
 * The open {@code /events/stream} responses of one HTTP verticle. Each stream reads the outbox after its own
 * cursor, so what it sends is exactly the outbox's order, and a reconnect with the last id it sent resumes
 * without loss. It reads when the node hears that events concerning its user committed on any node
 * ({@link EventNotices}), shortly again while a later event waits for an older transaction, and at every
 * heartbeat (a comment line that also keeps proxies from closing an idle connection), which catches any
 * notice lost while the listening connection was down. One read at a time per stream, and none while the
 * client is slower than the events: the next read waits until its writes have drained.
 */
final class EventStreams {

  private static final Logger LOG = LoggerFactory.getLogger(EventStreams.class);
  private static final int BATCH = 100;
  /** How soon a stream looks again for events that wait behind an older transaction. */
  private static final long HELD_BACK_MS = 100;

  private final Vertx vertx;
  private final EventService events;
  private final long heartbeatMs;
  private final Set<Stream> open = new HashSet<>();

  EventStreams(Vertx vertx, EventService events, long heartbeatSeconds) {
    if (heartbeatSeconds <= 0) {
      throw new IllegalArgumentException("events.heartbeat_seconds must be positive");
    }
    this.vertx = vertx;
    this.events = events;
    this.heartbeatMs = heartbeatSeconds * 1000;
    vertx.eventBus().<JsonObject>localConsumer(EventNotices.ADDRESS, notice -> open.stream()
      .filter(stream -> stream.all || EventNotices.concerns(notice.body(), stream.caller.userId()))
      .toList()
      .forEach(Stream::read));
  }

  /** Starts answering the request with the caller's events after the cursor, until the client goes. */
  void open(RoutingContext ctx, Caller caller, boolean all, EventCursor cursor) {
    HttpServerResponse response = ctx.response().setChunked(true)
      .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
      .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
      .putHeader("X-Accel-Buffering", "no");
    Stream stream = new Stream(response, caller, all, cursor);
    open.add(stream);
    response.closeHandler(v -> stream.close());
    ctx.request().connection().shutdownHandler(v -> stream.end());
    response.write(": connected\n\n");
    stream.read();
  }

  private final class Stream {

    private final HttpServerResponse response;
    private final Caller caller;
    private final boolean all;
    private final long heartbeat;
    private EventCursor cursor;
    private boolean reading;
    private boolean readAgain;
    private boolean closed;

    Stream(HttpServerResponse response, Caller caller, boolean all, EventCursor cursor) {
      this.response = response;
      this.caller = caller;
      this.all = all;
      this.cursor = cursor;
      this.heartbeat = vertx.setPeriodic(heartbeatMs, id -> {
        response.write(": heartbeat\n\n");
        read();
      });
    }

    void read() {
      if (closed) {
        return;
      }
      if (reading) {
        readAgain = true;
        return;
      }
      if (response.writeQueueFull()) {
        response.drainHandler(v -> read());
        return;
      }
      reading = true;
      events.read(caller, all, cursor, BATCH).onComplete(result -> {
        reading = false;
        if (closed) {
          return;
        }
        if (result.failed()) {
          LOG.warn("Could not read events for a stream of {} (next try at the heartbeat): {}", caller.userId(),
            result.cause().toString());
          return;
        }
        send(result.result());
      });
    }

    private void send(EventPage page) {
      for (Event event : page.events()) {
        response.write("id: " + event.id() + "\ndata: " + event.toJson().encode() + "\n\n");
      }
      cursor = page.next();
      boolean again = readAgain || page.more();
      readAgain = false;
      if (response.writeQueueFull()) {
        response.drainHandler(v -> read());
      } else if (again) {
        read();
      } else if (page.heldBack()) {
        vertx.setTimer(HELD_BACK_MS, id -> read());
      }
    }

    /** The node is shutting down: end the response, so the client reconnects (to another node). */
    void end() {
      if (!closed) {
        close();
        response.end();
      }
    }

    void close() {
      closed = true;
      vertx.cancelTimer(heartbeat);
      open.remove(this);
    }
  }
}
