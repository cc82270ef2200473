package red.sessions.vyoma.auth;

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

import java.security.KeyFactory;
import java.security.spec.X509EncodedKeySpec;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Verifies bearer tokens. The keys come from one of three places, first configured wins: a JWKS URL
 * (refreshed periodically, e.g. a Cognito user pool), a PEM public key, or the local development key.
 * Only the configured algorithms are accepted, so {@code alg: none} and HMAC tokens are always refused;
 * {@code exp} is required; {@code iss} and {@code aud} are checked when configured.
 */
public final class TokenVerifier {

  private static final Logger LOG = LoggerFactory.getLogger(TokenVerifier.class);

  private final Vertx vertx;
  private final JsonObject config;
  private final Set<String> algorithms;
  private final JWTOptions checks;
  private volatile JWTAuth jwt;
  private WebClient jwksClient;
  private long refreshTimer = -1;

  private TokenVerifier(Vertx vertx, JsonObject config) {
    this.vertx = vertx;
    this.config = config;
    this.algorithms = config.getJsonArray("algorithms").stream().map(String::valueOf).collect(Collectors.toSet());
    this.checks = new JWTOptions().setLeeway(config.getInteger("leeway_seconds"));
    String issuer = config.getString("issuer", "");
    if (!issuer.isBlank()) {
      checks.setIssuer(issuer);
    }
    String audience = config.getString("audience", "");
    if (!audience.isBlank()) {
      checks.setAudience(List.of(audience));
    }
  }

  /** True when tokens come from an issuer other than this server's development key. */
  public static boolean usesExternalIssuer(JsonObject authConfig) {
    return !authConfig.getString("jwks_url", "").isBlank() || !authConfig.getString("public_key_pem", "").isBlank();
  }

  /**
   * @param devKeys the local development key; used only when no external issuer is configured
   */
  public static Future<TokenVerifier> create(Vertx vertx, JsonObject authConfig, DevKeys devKeys) {
    TokenVerifier verifier = new TokenVerifier(vertx, authConfig);
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
      verifier.jwt = JWTAuth.create(vertx, options);
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
      JsonArray keys = response.bodyAsJsonObject().getJsonArray("keys", new JsonArray());
      JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(checks);
      keys.stream().map(JsonObject.class::cast)
        .filter(key -> !"enc".equals(key.getString("use")))
        .filter(key -> algorithms.contains(key.getString("alg")))
        .forEach(options::addJwk);
      if (options.getJwks().isEmpty()) {
        throw new IllegalStateException("JWKS " + url + " has no signing key for " + algorithms);
      }
      jwt = JWTAuth.create(vertx, options);
      return null;
    });
  }

  /** The caller the token names, or a failed future when the token is not acceptable. */
  public Future<Caller> verify(String token) {
    return jwt.authenticate(new TokenCredentials(token)).map(user -> {
      JsonObject claims = user.attributes().getJsonObject("accessToken");
      String subject = claims.getString("sub");
      if (!claims.containsKey("exp")) {
        throw new IllegalArgumentException("token has no exp");
      }
      if (subject == null || subject.isBlank()) {
        throw new IllegalArgumentException("token has no sub");
      }
      return new Caller(subject, isAdmin(claims.getValue(config.getString("admin_claim"))));
    });
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
