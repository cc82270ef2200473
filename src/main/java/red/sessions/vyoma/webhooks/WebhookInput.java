package red.sessions.vyoma.webhooks;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.events.EventType;
import red.sessions.vyoma.kernel.JsonFields;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A validated {@code POST /webhooks} or {@code PATCH /webhooks/{id}} body: in a PATCH, a field left out
 * stays as it is ({@code null} here).
 */
public record WebhookInput(String url, List<String> events, String description, Boolean active) {

  static final int MAX_URL = 2048;
  static final int MAX_PATTERNS = 50;
  static final int MAX_DESCRIPTION = 500;

  public static WebhookInput parseNew(JsonObject body) {
    JsonFields.requiredString(body, "url", "url");
    if (!body.containsKey("events")) {
      throw DomainException.invalid("events is required");
    }
    if (body.containsKey("active")) {
      throw DomainException.invalid("a new webhook is active; active is only for PATCH");
    }
    return parse(body);
  }

  public static WebhookInput parseChange(JsonObject body) {
    WebhookInput change = parse(body);
    if (change.url == null && change.events == null && change.description == null && change.active == null) {
      throw DomainException.invalid("send url, events, description or active to change the webhook");
    }
    return change;
  }

  private static WebhookInput parse(JsonObject body) {
    String url = JsonFields.optionalString(body, "url", "url");
    if (url != null) {
      requireHttpUrl(JsonFields.bounded(url, "url", 1, MAX_URL));
    }
    JsonArray patterns = JsonFields.optionalArray(body, "events", "events");
    List<String> events = patterns == null ? null : patterns(patterns);
    String description = JsonFields.optionalString(body, "description", "description");
    if (description != null) {
      JsonFields.bounded(description, "description", 0, MAX_DESCRIPTION);
    }
    Object active = body.getValue("active");
    if (active != null && !(active instanceof Boolean)) {
      throw DomainException.invalid("active must be true or false");
    }
    return new WebhookInput(url, events, description, (Boolean) active);
  }

  private static List<String> patterns(JsonArray patterns) {
    if (patterns.isEmpty() || patterns.size() > MAX_PATTERNS) {
      throw DomainException.invalid("events must list 1 to " + MAX_PATTERNS + " event types or patterns");
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

  /** An absolute http or https URL with a host; where it may point is checked against its addresses later. */
  private static void requireHttpUrl(String url) {
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null && uri.getUserInfo() == null
        && uri.getFragment() == null) {
        return;
      }
    } catch (URISyntaxException notAUrl) {
      // answered below
    }
    throw DomainException.invalid("url must be an absolute https URL with a host (no user info or fragment)");
  }
}
