package red.sessions.vyoma.files;

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
import java.util.HexFormat;

/**
 * Signs and checks the local store's upload URLs, as S3 does its pre-signed ones: an HMAC over the key,
 * the content type and the expiry, so the URL is the credential and nothing in it can be changed.
 * The secret is {@code storage.signing_secret}, or one kept in {@code <data_dir>/keys/upload-signing.key}.
 */
public final class UploadSigner {

  private final byte[] secret;

  private UploadSigner(byte[] secret) {
    this.secret = secret;
  }

  /** Reads or creates the secret; blocks, so call it from a worker thread. */
  public static UploadSigner load(String configuredSecret, Path dataDir) throws IOException {
    if (!configuredSecret.isBlank()) {
      return new UploadSigner(configuredSecret.getBytes(StandardCharsets.UTF_8));
    }
    String stored = SecretFiles.readOrCreate(dataDir.resolve("keys").resolve("upload-signing.key"), () -> {
      byte[] random = new byte[32];
      new SecureRandom().nextBytes(random);
      return Base64.getEncoder().encodeToString(random);
    });
    return new UploadSigner(Base64.getDecoder().decode(stored.strip()));
  }

  String sign(String key, String contentType, long expiresEpochSecond) {
    return hmac("PUT", key, contentType, Long.toString(expiresEpochSecond));
  }

  /** A signed read of the key, sent with this content type and file name: the method is signed in, so neither URL is the other. */
  String signGet(String key, String contentType, String fileName, long expiresEpochSecond) {
    return hmac("GET", key, contentType, fileName, Long.toString(expiresEpochSecond));
  }

  private String hmac(String... fields) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(String.join("\n", fields).getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JVM", e);
    }
  }

  /** Whether the signature is the one this server made for exactly these values (compared in constant time). */
  boolean verify(String key, String contentType, long expiresEpochSecond, String signature) {
    return same(sign(key, contentType, expiresEpochSecond), signature);
  }

  /** Whether the signature is the one {@link #signGet} made for exactly these values (compared in constant time). */
  boolean verifyGet(String key, String contentType, String fileName, long expiresEpochSecond, String signature) {
    return same(signGet(key, contentType, fileName, expiresEpochSecond), signature);
  }

  private static boolean same(String expected, String signature) {
    return signature != null
      && MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), signature.getBytes(StandardCharsets.US_ASCII));
  }
}
