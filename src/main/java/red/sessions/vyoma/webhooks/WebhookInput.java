package red.sessions.vyoma.webhooks;

import red.sessions.vyoma.bus.DomainException;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * A new webhook, or a change of one: in a change, a field left out stays as it is ({@code null} here).
 */
public record WebhookInput(String url, List<String> events, String description, Boolean active) {

  public static final int MAX_URL = 2048;
  public static final int MAX_PATTERNS = 50;
  public static final int MAX_DESCRIPTION = 500;

  /** An absolute http or https URL with a host; where it may point is checked against its addresses later. */
  public static void requireHttpUrl(String url) {
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
