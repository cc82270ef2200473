package red.sessions.vyoma.support;

import io.vertx.core.json.JsonObject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;

/** Builds JWTs by hand, good and bad, to prove what the server accepts and refuses. */
public final class JwtForge {

  private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

  private JwtForge() {
  }

  /** Claims for the subject, issued now, expiring in the given seconds (negative: already expired). */
  public static JsonObject claims(String subject, long expiresInSeconds) {
    long now = Instant.now().getEpochSecond();
    return new JsonObject().put("sub", subject).put("iat", now).put("exp", now + expiresInSeconds);
  }

  public static String rs256(JsonObject claims, String privateKeyPem) {
    String signingInput = signingInput(new JsonObject().put("alg", "RS256").put("typ", "JWT"), claims);
    try {
      Signature rsa = Signature.getInstance("SHA256withRSA");
      rsa.initSign(KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der(privateKeyPem))));
      rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + URL.encodeToString(rsa.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The RS256 signing JWK of an RSA public key, as a JWKS publishes it (Cognito's, say). */
  public static JsonObject jwk(String publicKeyPem, String keyId) {
    try {
      RSAPublicKey key = (RSAPublicKey) KeyFactory.getInstance("RSA")
        .generatePublic(new X509EncodedKeySpec(der(publicKeyPem)));
      return new JsonObject().put("kty", "RSA").put("alg", "RS256").put("use", "sig").put("kid", keyId)
        .put("n", URL.encodeToString(unsigned(key.getModulus().toByteArray())))
        .put("e", URL.encodeToString(unsigned(key.getPublicExponent().toByteArray())));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A JWK's numbers are unsigned big-endian; Java's carry a leading zero byte when the top bit is set. */
  private static byte[] unsigned(byte[] twosComplement) {
    return twosComplement[0] == 0 ? Arrays.copyOfRange(twosComplement, 1, twosComplement.length) : twosComplement;
  }

  private static byte[] der(String pem) {
    return Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
  }

  public static String hs256(JsonObject claims, byte[] secret) {
    String signingInput = signingInput(new JsonObject().put("alg", "HS256").put("typ", "JWT"), claims);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return signingInput + "." + URL.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String unsigned(JsonObject claims) {
    return signingInput(new JsonObject().put("alg", "none").put("typ", "JWT"), claims) + ".";
  }

  private static String signingInput(JsonObject header, JsonObject claims) {
    return URL.encodeToString(header.encode().getBytes(StandardCharsets.UTF_8)) + "."
      + URL.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
  }
}
