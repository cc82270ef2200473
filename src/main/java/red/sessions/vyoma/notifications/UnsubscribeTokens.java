package red.sessions.vyoma.notifications;

import red.sessions.vyoma.platform.SecretFiles;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * The one-click unsubscribe links' tokens (RFC 8058): the user id and an HMAC-SHA256 of it, both base64url, so
 * the link is its own credential, as an upload URL's signature is. They do not expire: a link in an old email
 * still works, and all it can do is turn that user's email off. The secret is {@code mail.unsubscribe_secret},
 * or one kept in {@code <data_dir>/keys/unsubscribe.key}; changing it voids every link sent.
 */
public final class UnsubscribeTokens {

  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private final byte[] secret;

  private UnsubscribeTokens(byte[] secret) {
    this.secret = secret;
  }

  /** Reads or creates the secret; blocks, so call it from a worker thread. */
  public static UnsubscribeTokens load(String configuredSecret, Path dataDir) throws IOException {
    if (!configuredSecret.isBlank()) {
      return new UnsubscribeTokens(configuredSecret.getBytes(StandardCharsets.UTF_8));
    }
    String stored = SecretFiles.readOrCreate(dataDir.resolve("keys").resolve("unsubscribe.key"), () -> {
      byte[] random = new byte[32];
      new SecureRandom().nextBytes(random);
      return ENCODER.encodeToString(random);
    });
    return new UnsubscribeTokens(stored.trim().getBytes(StandardCharsets.US_ASCII));
  }

  String token(String userId) {
    byte[] user = userId.getBytes(StandardCharsets.UTF_8);
    return ENCODER.encodeToString(user) + "." + ENCODER.encodeToString(mac(user));
  }

  /** The user the token was made for; empty when it was not made with this secret. */
  Optional<String> userOf(String token) {
    int dot = token.indexOf('.');
    if (dot < 1) {
      return Optional.empty();
    }
    try {
      byte[] user = DECODER.decode(token.substring(0, dot));
      byte[] signature = DECODER.decode(token.substring(dot + 1));
      return MessageDigest.isEqual(mac(user), signature) ? Optional.of(new String(user, StandardCharsets.UTF_8))
        : Optional.empty();
    } catch (IllegalArgumentException notBase64) {
      return Optional.empty();
    }
  }

  private byte[] mac(byte[] user) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac.doFinal(user);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
