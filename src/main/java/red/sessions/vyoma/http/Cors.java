package red.sessions.vyoma.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * CORS for the origins in {@code cors.allowed_origins} (or {@code *} for any), and none at all while the
 * list is empty. Preflights from those origins are answered here, before authentication. A request from
 * another origin is served as if CORS were off, without CORS headers, so a browser keeps the answer from
 * the page that asked; it is not refused, since same-origin pages (the docs page) and other clients send
 * {@code Origin} too.
 */
public final class Cors {

  private static final Set<HttpMethod> METHODS = Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT,
    HttpMethod.PATCH, HttpMethod.DELETE);
  private static final Set<String> REQUEST_HEADERS = Set.of("Authorization", "Content-Type", "Idempotency-Key",
    "If-Match", "Last-Event-ID", RequestIds.HEADER);
  private static final Set<String> EXPOSED_HEADERS = Set.of(RequestIds.HEADER, "ETag", "Idempotent-Replayed",
    "Location", "Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset");
  private static final String ANY = "*";
  /** How long a browser may reuse a preflight's answer. */
  private static final int PREFLIGHT_MAX_AGE_SECONDS = 600;

  private Cors() {
  }

  /** The handler for the configured origins, or none when there are none. */
  public static Optional<Handler<RoutingContext>> forOrigins(JsonArray configured) {
    List<String> origins = configured.stream().map(String::valueOf).map(Cors::normalized).distinct().toList();
    if (origins.isEmpty()) {
      return Optional.empty();
    }
    if (origins.contains(ANY) && origins.size() > 1) {
      throw new IllegalArgumentException("cors.allowed_origins: * allows every origin and cannot be listed with others");
    }
    CorsHandler cors = CorsHandler.create()
      .addOrigins(origins)
      .allowedMethods(METHODS)
      .allowedHeaders(REQUEST_HEADERS)
      .exposedHeaders(EXPOSED_HEADERS)
      .maxAgeSeconds(PREFLIGHT_MAX_AGE_SECONDS);
    Set<String> allowed = Set.copyOf(origins);
    boolean any = allowed.contains(ANY);
    return Optional.of(ctx -> {
      String origin = ctx.request().getHeader(HttpHeaders.ORIGIN);
      if (origin == null || any || allowed.contains(normalized(origin))) {
        cors.handle(ctx);
        return;
      }
      // The answer depends on the origin, so shared caches must keep them apart.
      ctx.response().headers().add(HttpHeaders.VARY, "Origin");
      ctx.next();
    });
  }

  /** Origins compare as browsers send them: scheme, host and port, lower case, no trailing slash. */
  private static String normalized(String origin) {
    String trimmed = origin.strip().toLowerCase(Locale.ROOT);
    return trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
  }
}
