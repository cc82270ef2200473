package red.sessions.vyoma.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import red.sessions.vyoma.auth.Authenticated;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.auth.TokenVerifier;

/**
 * Requires {@code Authorization: Bearer <jwt>} and records the verified caller (and how long its token is
 * accepted) on the context. A refused token
 * counts against the client address's rate limit.
 */
public final class BearerAuthentication implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(BearerAuthentication.class);
  private static final String TOKEN = "authenticated";
  private static final String SCHEME = "bearer ";

  private final TokenVerifier verifier;
  private final RateLimits limits;

  public BearerAuthentication(TokenVerifier verifier, RateLimits limits) {
    this.verifier = verifier;
    this.limits = limits;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      limits.refuseAuthentication(ctx);
      return;
    }
    verifier.verify(header.substring(SCHEME.length()).trim())
      .onSuccess(authenticated -> {
        ctx.put(TOKEN, authenticated);
        ctx.next();
      })
      .onFailure(e -> {
        LOG.debug("request {} presented a token that was refused: {}", RequestIds.of(ctx), e.getMessage());
        limits.refuseAuthentication(ctx);
      });
  }

  /** The verified caller; {@code null} before authentication or without a token. */
  public static Caller caller(RoutingContext ctx) {
    Authenticated authenticated = authenticated(ctx);
    return authenticated != null ? authenticated.caller() : null;
  }

  /** The accepted token: its caller, and when it stops being accepted. */
  public static Authenticated authenticated(RoutingContext ctx) {
    return ctx.get(TOKEN);
  }
}
