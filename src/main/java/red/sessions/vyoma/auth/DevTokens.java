package red.sessions.vyoma.auth;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.util.List;

/** Mints tokens signed with the local development key, accepted by a server using the same data directory. */
public final class DevTokens {

  private final JWTAuth signer;
  private final JsonObject authConfig;

  public DevTokens(Vertx vertx, DevKeys keys, JsonObject authConfig) {
    this.authConfig = authConfig;
    this.signer = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
      .setAlgorithm(DevKeys.ALGORITHM).setId(DevKeys.KEY_ID).setBuffer(keys.privatePem())));
  }

  public String mint(String subject, boolean admin, int ttlSeconds) {
    JsonObject claims = new JsonObject();
    if (admin) {
      claims.put(authConfig.getString("admin_claim"), new JsonArray().add(authConfig.getString("admin_value")));
    }
    String issuer = authConfig.getString("issuer", "");
    JWTOptions options = new JWTOptions()
      .setAlgorithm(DevKeys.ALGORITHM)
      .setSubject(subject)
      .setIssuer(issuer.isBlank() ? authConfig.getString("dev_issuer") : issuer)
      .setExpiresInSeconds(ttlSeconds);
    String audience = authConfig.getString("audience", "");
    if (!audience.isBlank()) {
      options.setAudience(List.of(audience));
    }
    return signer.generateToken(claims, options);
  }
}
