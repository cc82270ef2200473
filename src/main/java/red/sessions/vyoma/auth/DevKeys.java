package red.sessions.vyoma.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
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
    Path file = dataDir.resolve("keys").resolve("dev-jwt.pem");
    if (!Files.exists(file)) {
      create(file);
    }
    String privatePem = Files.readString(file, StandardCharsets.US_ASCII);
    return new DevKeys(privatePem, publicPemOf(privatePem));
  }

  private static void create(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    byte[] encoded;
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      encoded = generator.generateKeyPair().getPrivate().getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("This JVM cannot generate RSA keys", e);
    }
    Path temporary = Files.createTempFile(file.getParent(), "dev-jwt", ".tmp",
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(temporary, pem("PRIVATE KEY", encoded), StandardCharsets.US_ASCII);
    try {
      // Without REPLACE_EXISTING the move fails if another process created the key first; keep theirs.
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException e) {
      Files.deleteIfExists(temporary);
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
