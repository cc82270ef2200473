package red.sessions.vyoma.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.events.EventType;
import red.sessions.vyoma.kernel.Text;
import red.sessions.vyoma.platform.OutboundTargets;
import red.sessions.vyoma.webhooks.WebhookInput;

import java.util.ArrayList;
import java.util.List;

/** The request bodies of {@code POST /webhooks} and {@code PATCH /webhooks/{id}}, read into the webhooks domain's input. */
public final class WebhookBodies {

  private WebhookBodies() {
  }

  public static WebhookInput newWebhook(JsonObject body) {
    JsonFields.requiredString(body, "url", "url");
    if (!body.containsKey("events")) {
      throw DomainException.invalid("events is required");
    }
    if (body.containsKey("active")) {
      throw DomainException.invalid("a new webhook is active; active is only for PATCH");
    }
    return webhook(body);
  }

  public static WebhookInput change(JsonObject body) {
    WebhookInput change = webhook(body);
    if (change.url() == null && change.events() == null && change.description() == null && change.active() == null) {
      throw DomainException.invalid("send url, events, description or active to change the webhook");
    }
    return change;
  }

  private static WebhookInput webhook(JsonObject body) {
    String url = JsonFields.optionalString(body, "url", "url");
    if (url != null) {
      OutboundTargets.requireHttpUrl(Text.bounded(url, "url", 1, WebhookInput.MAX_URL), "url");
    }
    JsonArray patterns = JsonFields.optionalArray(body, "events", "events");
    List<String> events = patterns == null ? null : patterns(patterns);
    String description = JsonFields.optionalString(body, "description", "description");
    if (description != null) {
      Text.bounded(description, "description", 0, WebhookInput.MAX_DESCRIPTION);
    }
    Object active = body.getValue("active");
    if (active != null && !(active instanceof Boolean)) {
      throw DomainException.invalid("active must be true or false");
    }
    return new WebhookInput(url, events, description, (Boolean) active);
  }

  private static List<String> patterns(JsonArray patterns) {
    if (patterns.isEmpty() || patterns.size() > WebhookInput.MAX_PATTERNS) {
      throw DomainException.invalid("events must list 1 to " + WebhookInput.MAX_PATTERNS + " event types or patterns");
    }
    List<String> events = new ArrayList<>();
    for (Object pattern : patterns) {
      if (!(pattern instanceof String name) || !EventType.isPattern(name)) {
        throw DomainException.invalid("events[] must be an event type (booking.confirmed), a family (booking.*) or *");
      }
      if (!events.contains(name)) {
        events.add(name);
      }
    }
    return events;
  }
}
