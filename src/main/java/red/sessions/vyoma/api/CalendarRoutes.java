package red.sessions.vyoma.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.calendars.CalendarDocument;
import red.sessions.vyoma.calendars.CalendarService;
import red.sessions.vyoma.calendars.FeedJson;
import red.sessions.vyoma.calendars.FeedToken;

import java.util.Arrays;

/**
 * Lessons in calendar apps: a booking's {@code .ics}, and the caller's secret feed addresses, which calendar apps
 * fetch without a token. A feed answers with its tag as a strong {@code ETag} and {@code 304} to an
 * {@code If-None-Match} that names it, so apps that poll every few minutes get the body only when a lesson changed.
 */
final class CalendarRoutes {

  private static final String CALENDAR = "text/calendar";

  private CalendarRoutes() {
  }

  static void mount(Endpoints api, CalendarService calendars) {
    api.get("/bookings/:booking_id/calendar.ics", call -> calendars.lesson(call.caller(), call.pathUuid("booking_id"))
      .map(lesson -> Reply.text(CALENDAR, lesson.text())));
    api.post("/calendar-feeds", call -> calendars.createFeed(call.caller())
      .map(feed -> Reply.created(FeedJson.created(feed))));
    api.get("/calendar-feeds", call -> calendars.feeds(call.caller())
      .map(feeds -> Reply.ok(new JsonArray(feeds.stream().map(FeedJson::feed).toList()))));
    api.delete("/calendar-feeds/:id", call -> calendars.revokeFeed(call.caller(), call.pathUuid("id"))
      .map(v -> Reply.ok(new JsonObject().put("message", "Calendar feed revoked"))));
    api.getBySecretPath("/calendar-feeds/:token.ics", "token", FeedToken::key, call -> calendars.feed(call.path("token"))
      .map(feed -> feedReply(feed, call.header("If-None-Match"))));
  }

  private static Reply feedReply(CalendarDocument feed, String ifNoneMatch) {
    String etag = "\"" + feed.tag() + "\"";
    Reply reply = matches(ifNoneMatch, etag) ? Reply.notModified() : Reply.text(CALENDAR, feed.text());
    // A cache between the app and the server must ask again each time: a revoked feed is gone at once.
    return reply.header("ETag", etag).header("Cache-Control", "private, no-cache");
  }

  /** Whether {@code If-None-Match} names the tag: {@code *}, or a list of tags compared weakly (RFC 9110 13.1.2). */
  private static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    return Arrays.stream(ifNoneMatch.split(",")).map(String::strip)
      .map(tag -> tag.startsWith("W/") ? tag.substring(2) : tag)
      .anyMatch(tag -> tag.equals("*") || tag.equals(etag));
  }
}
