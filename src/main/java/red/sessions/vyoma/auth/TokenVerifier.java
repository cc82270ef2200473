package red.sessions.vyoma.auth;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.WebClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import red.sessions.vyoma.platform.Metrics;

import java.security.KeyFactory;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Verifies bearer tokens. The keys come from one of three places, first configured wins: a JWKS URL
 * (refreshed periodically, e.g. a Cognito user pool), a PEM public key, or the local development key.
 * Only the configured algorithms are accepted, so {@code alg: none} and HMAC tokens are always refused;
 * {@code exp} is required; {@code iss} and {@code aud} are checked when configured; a subject that was erased
 * ({@link RefusedSubjects}) is refused, cached or not. A token that passed is
 * remembered ({@link VerifiedTokens}) until its {@code exp}, so its next calls skip the signature check.
 */
public final class TokenVerifier {

  private static final Logger LOG = LoggerFactory.getLogger(TokenVerifier.class);
  private static final String ACCEPTED = "vyoma.auth.tokens.accepted";

  /**
   * The keys tokens are checked with and the tokens verified with those very keys, swapped as one: a
   * verification still running on the old keys when they change remembers its token in the old cache,
   * which nothing reads any more.
   *
   * @param jwks the published keys these came from; empty for a PEM or development key
   */
  private record Keys(JWTAuth jwt, JsonArray jwks, VerifiedTokens verified) {
  }

  private final Vertx vertx;
  private final JsonObject config;
  private final Set<String> algorithms;
  private final JWTOptions checks;
  private final int leewaySeconds;
  private final int cacheSize;
  private final Counter acceptedBySignature;
  private final Counter acceptedFromCache;
  private final RefusedSubjects refused;
  private volatile Keys keys;
  private WebClient jwksClient;
  private long refreshTimer = -1;

  private TokenVerifier(Vertx vertx, JsonObject config, RefusedSubjects refused) {
    this.vertx = vertx;
    this.refused = refused;
    this.config = config;
    this.algorithms = config.getJsonArray("algorithms").stream().map(String::valueOf).collect(Collectors.toSet());
    this.leewaySeconds = config.getInteger("leeway_seconds");
    this.checks = new JWTOptions().setLeeway(leewaySeconds);
    this.cacheSize = config.getInteger("token_cache_size");
    MeterRegistry meters = Metrics.registry(vertx);
    this.acceptedBySignature = accepted("signature", meters);
    this.acceptedFromCache = accepted("cache", meters);
    String issuer = config.getString("issuer", "");
    if (!issuer.isBlank()) {
      checks.setIssuer(issuer);
    }
    String audience = config.getString("audience", "");
    if (!audience.isBlank()) {
      checks.setAudience(List.of(audience));
    }
  }

  private static Counter accepted(String by, MeterRegistry meters) {
    return Counter.builder(ACCEPTED)
      .description("Tokens accepted: by=signature after a full check, by=cache on a repeat of a token checked before")
      .tag("by", by)
      .register(meters);
  }

  /** True when tokens come from an issuer other than this server's development key. */
  public static boolean usesExternalIssuer(JsonObject authConfig) {
    return !authConfig.getString("jwks_url", "").isBlank() || !authConfig.getString("public_key_pem", "").isBlank();
  }

  /**
   * @param devKeys the local development key; used only when no external issuer is configured
   * @param refused subjects whose tokens are refused (erased users), whatever their signature
   */
  public static Future<TokenVerifier> create(Vertx vertx, JsonObject authConfig, DevKeys devKeys, RefusedSubjects refused) {
    TokenVerifier verifier = new TokenVerifier(vertx, authConfig, refused);
    String jwksUrl = authConfig.getString("jwks_url", "");
    if (!jwksUrl.isBlank()) {
      verifier.jwksClient = WebClient.create(vertx);
      return verifier.refreshJwks(jwksUrl).map(v -> {
        long period = authConfig.getInteger("jwks_refresh_seconds") * 1000L;
        verifier.refreshTimer = vertx.setPeriodic(period, id -> verifier.refreshJwks(jwksUrl)
          .onFailure(e -> LOG.warn("JWKS refresh from {} failed; keeping the previous keys: {}", jwksUrl, e.getMessage())));
        return verifier;
      });
    }
    String pem = authConfig.getString("public_key_pem", "");
    return vertx.executeBlocking(() -> {
      JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(verifier.checks);
      if (!pem.isBlank()) {
        String family = keyFamily(pem);
        verifier.algorithms.stream().filter(alg -> alg.startsWith(family))
          .forEach(alg -> options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(alg).setBuffer(pem)));
        if (options.getPubSecKeys().isEmpty()) {
          throw new IllegalArgumentException("auth.algorithms " + verifier.algorithms + " has none for a " + family + " key");
        }
      } else {
        options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(DevKeys.ALGORITHM).setId(DevKeys.KEY_ID)
          .setBuffer(devKeys.publicPem()));
      }
      verifier.keys = verifier.newKeys(options, new JsonArray());
      return verifier;
    });
  }

  private static String keyFamily(String pem) {
    X509EncodedKeySpec spec = new X509EncodedKeySpec(DevKeys.derOf(pem));
    for (String[] family : new String[][] {{"RSA", "RS"}, {"EC", "ES"}}) {
      try {
        KeyFactory.getInstance(family[0]).generatePublic(spec);
        return family[1];
      } catch (Exception notThisFamily) {
        // try the next family
      }
    }
    throw new IllegalArgumentException("auth.public_key_pem is neither an RSA nor an EC public key");
  }

  private Future<Void> refreshJwks(String url) {
    return jwksClient.getAbs(url).send().map(response -> {
      if (response.statusCode() != 200) {
        throw new IllegalStateException("JWKS " + url + " answered " + response.statusCode());
      }
      JsonArray published = response.bodyAsJsonObject().getJsonArray("keys", new JsonArray());
      JsonArray signing = new JsonArray(published.stream().map(JsonObject.class::cast)
        .filter(key -> !"enc".equals(key.getString("use")))
        .filter(key -> algorithms.contains(key.getString("alg")))
        .collect(Collectors.toList()));
      if (signing.isEmpty()) {
        throw new IllegalStateException("JWKS " + url + " has no signing key for " + algorithms);
      }
      Keys current = keys;
      // The same keys again (the usual refresh) keep the tokens verified with them.
      if (current == null || !current.jwks().equals(signing)) {
        JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(checks);
        signing.forEach(key -> options.addJwk((JsonObject) key));
        keys = newKeys(options, signing);
      }
      return null;
    });
  }

  private Keys newKeys(JWTAuthOptions options, JsonArray jwks) {
    return new Keys(JWTAuth.create(vertx, options), jwks, new VerifiedTokens(cacheSize, Clock.systemUTC()));
  }

  /** The caller the token names and when the token stops being accepted, or a failed future when it is not acceptable. */
  public Future<Authenticated> verify(String token) {
    Keys current = keys;
    VerifiedTokens.Entry known = current.verified().find(token);
    if (known != null) {
      if (refused.isRefused(known.caller().userId())) {
        return Future.failedFuture(new IllegalArgumentException("the token's subject was erased"));
      }
      acceptedFromCache.increment();
      return Future.succeededFuture(authenticated(known.caller(), known.expiresAtEpochSecond()));
    }
    return current.jwt().authenticate(new TokenCredentials(token)).map(user -> {
      JsonObject claims = user.attributes().getJsonObject("accessToken");
      String subject = claims.getString("sub");
      if (!claims.containsKey("exp")) {
        throw new IllegalArgumentException("token has no exp");
      }
      if (subject == null || subject.isBlank()) {
        throw new IllegalArgumentException("token has no sub");
      }
      if (refused.isRefused(subject)) {
        throw new IllegalArgumentException("the token's subject was erased");
      }
      Caller caller = new Caller(subject, isAdmin(claims.getValue(config.getString("admin_claim"))));
      long expiresAt = claims.getLong("exp");
      current.verified().remember(token, caller, expiresAt);
      acceptedBySignature.increment();
      return authenticated(caller, expiresAt);
    });
  }

  /** Verification takes a token up to the leeway past its {@code exp} (the cache only up to it, then verifies again). */
  private Authenticated authenticated(Caller caller, long expiresAtEpochSecond) {
    return new Authenticated(caller, Instant.ofEpochSecond(expiresAtEpochSecond + leewaySeconds));
  }

  private boolean isAdmin(Object claim) {
    String admin = config.getString("admin_value");
    if (claim instanceof JsonArray values) {
      return values.contains(admin);
    }
    if (claim instanceof String value) {
      return List.of(value.split("[\\s,]+")).contains(admin);
    }
    return false;
  }

  public void close() {
    if (refreshTimer >= 0) {
      vertx.cancelTimer(refreshTimer);
    }
    if (jwksClient != null) {
      jwksClient.close();
    }
  }
}
