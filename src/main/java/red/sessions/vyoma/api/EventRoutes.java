package red.sessions.vyoma.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.handler.HttpException;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.events.EventJson;
import red.sessions.vyoma.events.EventService;
import red.sessions.vyoma.kernel.Page;

import java.util.UUID;

/**
 * {@code /events}: the caller's events from the outbox, as a page of JSON for clients that poll, or as a
 * stream of Server-Sent Events ({@code /events/stream}) that resumes after {@code Last-Event-ID}.
 */
final class EventRoutes {

  private static final String EVENT_STREAM = "text/event-stream";

  private EventRoutes() {
  }

  static void mount(Endpoints api, EventService events, EventStreams streams) {
    api.get("/events", call -> {
      Caller caller = call.caller();
      boolean all = call.flag("all");
      int limit = Page.of(call.query("limit"), null).limit();
      return events.start(caller, all, eventId(call.query("after"), "after"), false)
        .compose(cursor -> events.read(caller, all, cursor, limit))
        .map(page -> Reply.ok(new JsonObject()
          .put("events", new JsonArray(page.events().stream().map(EventJson::envelope).toList()))
          .put("has_more", page.more())));
    });
    api.getStream("/events/stream", call -> {
      String accept = call.header("Accept");
      if (accept == null || !accept.contains(EVENT_STREAM)) {
        throw new HttpException(406, "ask for the stream with Accept: " + EVENT_STREAM);
      }
      String lastEventId = call.header("Last-Event-ID");
      UUID after = lastEventId != null ? eventId(lastEventId, "Last-Event-ID") : eventId(call.query("after"), "after");
      Caller caller = call.caller();
      boolean all = call.flag("all");
      return streams.open(call.context(), call.authenticated(), all, () -> events.start(caller, all, after, true));
    });
  }

  private static UUID eventId(String value, String name) {
    return value == null ? null : JsonFields.uuid(value, name);
  }
}
