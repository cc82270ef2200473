package red.sessions.vyoma.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import red.sessions.vyoma.auth.Authenticated;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.events.Event;
import red.sessions.vyoma.events.EventCursor;
import red.sessions.vyoma.events.EventJson;
import red.sessions.vyoma.events.EventNotices;
import red.sessions.vyoma.events.EventPage;
import red.sessions.vyoma.events.EventService;
import red.sessions.vyoma.http.StreamSlots;

import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The open {@code /events/stream} responses of one HTTP verticle. Each stream keeps its own cursor, so what it
 * sends is exactly the outbox's order, and a reconnect with the last id it sent resumes without loss.
 *
 * <p>The streams of one reader (a user, or the admins following everyone) read together, as a {@link Feed}:
 * one read of the outbox, from the earliest cursor among them, serves them all, however many they are. A
 * feed reads when the node hears that events concerning its reader committed on any node
 * ({@link EventNotices}; a notice wakes only the feeds of the users it names), shortly again while a later
 * event waits for an older transaction, and at every heartbeat (a comment line that also keeps proxies from
 * closing an idle connection), which catches any event whose notice this node missed (while it could not look).
 * One read at a time per feed; a stream whose client is slower than the events sits the reads out until its
 * writes have drained, then the feed reads again from its cursor.
 *
 * <p>A stream takes one of the node's {@link StreamSlots} for as long as it is open, and ends when its token
 * stops being accepted: the client reconnects with a fresh token and {@code Last-Event-ID}.
 */
final class EventStreams {

  private static final Logger LOG = LoggerFactory.getLogger(EventStreams.class);
  private static final int BATCH = 100;
  /** How soon a feed looks again for events that wait behind an older transaction. */
  private static final long HELD_BACK_MS = 100;

  private final Vertx vertx;
  private final EventService events;
  private final StreamSlots slots;
  private final long heartbeatSeconds;
  /** The feeds of the users followed on this verticle, by user id. */
  private final Map<String, Feed> feedsOfUsers = new HashMap<>();
  /** The feed of every user's events ({@code all=true}), while an admin follows it here. */
  private Feed feedOfAll;

  EventStreams(Vertx vertx, EventService events, StreamSlots slots, long heartbeatSeconds) {
    if (heartbeatSeconds <= 0) {
      throw new IllegalArgumentException("events.heartbeat_seconds must be positive");
    }
    this.vertx = vertx;
    this.events = events;
    this.slots = slots;
    this.heartbeatSeconds = heartbeatSeconds;
    vertx.eventBus().<JsonObject>localConsumer(EventNotices.ADDRESS, notice -> wake(notice.body()));
  }

  private void wake(JsonObject notice) {
    Optional<List<String>> users = EventNotices.users(notice);
    if (users.isPresent()) {
      for (String user : users.get()) {
        Feed feed = feedsOfUsers.get(user);
        if (feed != null) {
          feed.read();
        }
      }
    } else {
      List.copyOf(feedsOfUsers.values()).forEach(Feed::read);
    }
    if (feedOfAll != null) {
      feedOfAll.read();
    }
  }

  /**
   * Takes a stream slot for the caller (or refuses with 429 before anything else is done), finds where the
   * stream starts, and answers with the caller's events from there until the client goes or the token expires.
   */
  Future<Void> open(RoutingContext ctx, Authenticated token, boolean all, Supplier<Future<EventCursor>> start) {
    String user = token.caller().userId();
    Optional<String> refused = slots.take(user);
    if (refused.isPresent()) {
      // A slot frees when a stream ends; one whose client vanished is found out by a heartbeat's write.
      ctx.response().putHeader("Retry-After", String.valueOf(heartbeatSeconds));
      return Future.failedFuture(new HttpException(429, refused.get()));
    }
    return start.get()
      .onFailure(e -> slots.release(user))
      .onSuccess(cursor -> follow(ctx, token, all, cursor))
      .mapEmpty();
  }

  private void follow(RoutingContext ctx, Authenticated token, boolean all, EventCursor cursor) {
    HttpServerResponse response = ctx.response();
    if (response.closed()) {
      slots.release(token.caller().userId());
      return;
    }
    response.setChunked(true)
      .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
      .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
      .putHeader("X-Accel-Buffering", "no");
    Feed feed = all ? feedOfAll() : feedsOfUsers.computeIfAbsent(token.caller().userId(), user -> new Feed(user));
    Stream stream = new Stream(response, token, feed, cursor);
    response.closeHandler(v -> stream.close());
    ctx.request().connection().shutdownHandler(v -> stream.end(""));
    response.write(": connected\n\n");
    feed.join(stream);
  }

  private Feed feedOfAll() {
    if (feedOfAll == null) {
      feedOfAll = new Feed(null);
    }
    return feedOfAll;
  }

  /** The streams of one reader on this verticle, and the reads of the outbox they share. */
  private final class Feed {

    /** The user whose events this feed reads; {@code null} for everyone's. */
    private final String user;
    private final Set<Stream> streams = new LinkedHashSet<>();
    private final long heartbeat;
    private boolean reading;
    private boolean readAgain;
    private boolean lookingAgainSoon;

    Feed(String user) {
      this.user = user;
      this.heartbeat = vertx.setPeriodic(heartbeatSeconds * 1000, id -> {
        List.copyOf(streams).forEach(Stream::heartbeat);
        read();
      });
    }

    void join(Stream stream) {
      streams.add(stream);
      read();
    }

    void leave(Stream stream) {
      streams.remove(stream);
      if (!streams.isEmpty()) {
        return;
      }
      vertx.cancelTimer(heartbeat);
      if (user == null) {
        feedOfAll = null;
      } else {
        feedsOfUsers.remove(user);
      }
    }

    /**
     * Reads the page after the earliest cursor of the streams that take events now; each of them sends what
     * lies after its own cursor. A stream behind that cursor (it joined or caught up with its writes during the
     * read) is served by the next read, which its arrival asked for.
     */
    void read() {
      if (reading) {
        readAgain = true;
        return;
      }
      Optional<Stream> earliest = streams.stream().filter(Stream::takesEvents)
        .min(Comparator.comparing(stream -> stream.cursor));
      if (earliest.isEmpty()) {
        return;
      }
      Caller reader = earliest.get().token.caller();
      EventCursor from = earliest.get().cursor;
      reading = true;
      readAgain = false;
      events.read(reader, user == null, from, BATCH).onComplete(result -> {
        reading = false;
        if (result.failed()) {
          LOG.warn("Could not read events for the streams of {} (next try at the heartbeat): {}",
            user == null ? "everyone" : user, result.cause().toString());
          return;
        }
        EventPage page = result.result();
        List.copyOf(streams).forEach(stream -> stream.send(from, page));
        if (readAgain || page.more()) {
          read();
        } else if (page.heldBack()) {
          lookAgainSoon();
        }
      });
    }

    private void lookAgainSoon() {
      if (!lookingAgainSoon) {
        lookingAgainSoon = true;
        vertx.setTimer(HELD_BACK_MS, id -> {
          lookingAgainSoon = false;
          read();
        });
      }
    }
  }

  private final class Stream {

    private final HttpServerResponse response;
    private final Authenticated token;
    private final Feed feed;
    private final long expiry;
    private EventCursor cursor;
    private boolean draining;
    private boolean closed;

    Stream(HttpServerResponse response, Authenticated token, Feed feed, EventCursor cursor) {
      this.response = response;
      this.token = token;
      this.feed = feed;
      this.cursor = cursor;
      long untilRefused = token.refusedFrom().toEpochMilli() - System.currentTimeMillis();
      this.expiry = vertx.setTimer(Math.max(1, untilRefused),
        id -> end(": token expired; reconnect with a fresh token and Last-Event-ID\n\n"));
    }

    boolean takesEvents() {
      return !closed && !draining;
    }

    void heartbeat() {
      if (!closed) {
        response.write(": heartbeat\n\n");
      }
    }

    /** Sends the events of a page read after {@code from} that lie after this stream's cursor. */
    void send(EventCursor from, EventPage page) {
      if (!takesEvents() || cursor.compareTo(from) < 0) {
        return;
      }
      for (Event event : page.events()) {
        if (event.cursor().compareTo(cursor) > 0) {
          response.write("id: " + event.id() + "\ndata: " + EventJson.envelope(event).encode() + "\n\n");
        }
      }
      if (page.next().compareTo(cursor) > 0) {
        cursor = page.next();
      }
      if (response.writeQueueFull()) {
        draining = true;
        response.drainHandler(v -> {
          draining = false;
          feed.read();
        });
      }
    }

    /** Ends the response with a last comment line, so the client reconnects (to another node, with another token). */
    void end(String last) {
      if (!closed) {
        close();
        response.end(last);
      }
    }

    void close() {
      if (closed) {
        return;
      }
      closed = true;
      vertx.cancelTimer(expiry);
      feed.leave(this);
      slots.release(token.caller().userId());
    }
  }
}
