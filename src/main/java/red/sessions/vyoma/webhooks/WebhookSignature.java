package red.sessions.vyoma.webhooks;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The {@code Vyoma-Signature} header: {@code t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>},
 * with one {@code v1} for each live secret (two during a rotation). A receiver recomputes the HMAC with its
 * secret over the timestamp and the raw body, compares in constant time against any {@code v1}, and refuses
 * a timestamp too far from its clock, so a captured delivery cannot be replayed later.
 */
public final class WebhookSignature {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String SECRET_PREFIX = "whsec_";

  private WebhookSignature() {
  }

  /** A new secret: 32 random bytes, URL-safe base64, with a prefix that says what it is. */
  static String newSecret() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return SECRET_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The header's value for the body, signed at the given time with each secret. */
  public static String header(long unixSeconds, String body, List<String> secrets) {
    return "t=" + unixSeconds + secrets.stream().map(secret -> ",v1=" + hmac(secret, unixSeconds + "." + body))
      .collect(Collectors.joining());
  }

  static String hmac(String secret, String signed) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JVM", e);
    }
  }
}
