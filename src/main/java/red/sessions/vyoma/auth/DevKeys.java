package red.sessions.vyoma.auth;

import red.sessions.vyoma.platform.SecretFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;

/**
 * The local development signing key: an RSA key kept in {@code <data_dir>/keys/dev-jwt.pem}, created on
 * first use, so that the same data directory always verifies the tokens the {@code token} command mints.
 * Reading and writing it blocks: call it from a worker thread or before Vert.x starts.
 */
public final class DevKeys {

  public static final String ALGORITHM = "RS256";
  static final String KEY_ID = "vyoma-dev";

  private final String privatePem;
  private final String publicPem;

  private DevKeys(String privatePem, String publicPem) {
    this.privatePem = privatePem;
    this.publicPem = publicPem;
  }

  public static DevKeys loadOrCreate(Path dataDir) throws IOException {
    String privatePem = SecretFiles.readOrCreate(dataDir.resolve("keys").resolve("dev-jwt.pem"), DevKeys::newPrivatePem);
    return new DevKeys(privatePem, publicPemOf(privatePem));
  }

  private static String newPrivatePem() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return pem("PRIVATE KEY", generator.generateKeyPair().getPrivate().getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("This JVM cannot generate RSA keys", e);
    }
  }

  private static String publicPemOf(String privatePem) {
    try {
      KeyFactory rsa = KeyFactory.getInstance("RSA");
      RSAPrivateCrtKey key = (RSAPrivateCrtKey) rsa.generatePrivate(new PKCS8EncodedKeySpec(derOf(privatePem)));
      byte[] encoded = rsa.generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent())).getEncoded();
      return pem("PUBLIC KEY", encoded);
    } catch (GeneralSecurityException | ClassCastException | IllegalArgumentException e) {
      throw new IllegalStateException("The development key file is not an RSA private key in PKCS#8 PEM", e);
    }
  }

  static byte[] derOf(String pem) {
    String base64 = pem.replaceAll("-----(BEGIN|END) [A-Z ]+-----", "").replaceAll("\\s", "");
    return Base64.getDecoder().decode(base64);
  }

  static String pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  public String privatePem() {
    return privatePem;
  }

  public String publicPem() {
    return publicPem;
  }
}
