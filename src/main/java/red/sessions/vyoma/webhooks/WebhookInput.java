package red.sessions.vyoma.webhooks;

import java.util.List;

/**
 * A new webhook, or a change of one: in a change, a field left out stays as it is ({@code null} here).
 */
public record WebhookInput(String url, List<String> events, String description, Boolean active) {

  public static final int MAX_URL = 2048;
  public static final int MAX_PATTERNS = 50;
  public static final int MAX_DESCRIPTION = 500;
}
