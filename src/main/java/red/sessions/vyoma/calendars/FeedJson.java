package red.sessions.vyoma.calendars;

import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.kernel.Times;

/** The calendar feeds' wire format, in one place. */
public final class FeedJson {

  private FeedJson() {
  }

  public static JsonObject created(NewFeed feed) {
    return new JsonObject()
      .put("id", feed.id().toString())
      .put("url", feed.url())
      .put("created_at", Times.format(feed.createdAt()));
  }

  public static JsonObject feed(Feed feed) {
    return new JsonObject()
      .put("id", feed.id().toString())
      .put("created_at", Times.format(feed.createdAt()));
  }
}
