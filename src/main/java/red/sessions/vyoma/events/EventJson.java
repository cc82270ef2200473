package red.sessions.vyoma.events;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.kernel.Times;

import java.util.UUID;

/**
 * The events' wire format, in one place: the envelope as webhooks receive it and the feed and the stream show
 * it, and the subject inside it. Its {@code data} is the resource as its own domain's wire format wrote it.
 */
public final class EventJson {

  private EventJson() {
  }

  public static JsonObject envelope(Event event) {
    return new JsonObject()
      .put("id", event.id().toString())
      .put("type", event.type())
      .put("created_at", Times.format(event.createdAt()))
      .put("sequence", event.sequence())
      .put("subject", event.subject())
      .put("users", new JsonArray(event.users()))
      .put("data", event.data());
  }

  /** What an event is about: the ids it names, and only those. */
  static JsonObject subject(Subject subject) {
    JsonObject json = new JsonObject();
    if (subject.packageId() != null) {
      json.put("package_id", subject.packageId().toString());
    }
    if (subject.bookingId() != null) {
      json.put("booking_id", subject.bookingId().toString());
    }
    if (subject.sessionId() != null) {
      json.put("session_id", subject.sessionId().toString());
    }
    if (subject.meetingId() != null) {
      json.put("meeting_id", subject.meetingId());
    }
    if (subject.seriesId() != null) {
      json.put("series_id", subject.seriesId().toString());
    }
    return json;
  }

  /** What a ping is about: the webhook it tests. */
  static JsonObject pingSubject(UUID webhookId) {
    return new JsonObject().put("webhook_id", webhookId.toString());
  }
}
