package red.sessions.vyoma.calendars;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The secret of a feed's address: 32 random bytes, base64url without padding (43 characters), kept only as its
 * SHA-256. A value of another shape is no token, and is answered like an unknown one.
 */
public final class FeedToken {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9_-]{43}");

  private FeedToken() {
  }

  static String generate() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Whether the value has the shape of a token (not whether a feed has it). */
  static boolean wellFormed(String value) {
    return value != null && SHAPE.matcher(value).matches();
  }

  /** What the database keeps of a token. */
  static byte[] hash(String token) {
    return Sha256.of(token);
  }

  /**
   * The token's hash as text: the name of its feed's rate-limit bucket, so no bucket, in memory or in the cluster's
   * map, holds a working address.
   */
  public static String key(String token) {
    return HexFormat.of().formatHex(hash(token));
  }
}
