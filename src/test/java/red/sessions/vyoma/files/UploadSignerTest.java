package red.sessions.vyoma.files;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import red.sessions.vyoma.support.Samples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UploadSignerTest {

  private static final String KEY = "uploads/sam/1b4e28ba-2fa1-11d2-883f-0016d3cca427/notes.pdf";
  private static final long EXPIRES = 1_893_456_000L;

  private static UploadSigner configured(String secret) {
    try {
      return UploadSigner.load(secret, Path.of("/nonexistent"));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aSignatureIsTheHexHmacSha256OfTheUpload() {
    // Computed with openssl dgst -sha256 -hmac secret over "PUT", the key, the type and the expiry, one per line.
    assertEquals("9ac3dd03ecb0203deb21bb425b09030fef58bde3b61e65b8d3eca2660f497f45",
      configured("secret").sign(KEY, "application/pdf", EXPIRES));
  }

  @Test
  void aSignatureVerifiesForExactlyTheValuesSigned() {
    UploadSigner signer = configured("secret");
    String signature = signer.sign(KEY, "application/pdf", EXPIRES);
    assertTrue(signer.verify(KEY, "application/pdf", EXPIRES, signature));
    assertFalse(signer.verify(KEY + "x", "application/pdf", EXPIRES, signature));
    assertFalse(signer.verify(KEY, "text/html", EXPIRES, signature));
    assertFalse(signer.verify(KEY, "application/pdf", EXPIRES + 1, signature));
    assertFalse(signer.verify(KEY, "application/pdf", EXPIRES, signature.toUpperCase()));
    assertFalse(signer.verify(KEY, "application/pdf", EXPIRES, ""));
    assertFalse(signer.verify(KEY, "application/pdf", EXPIRES, null));
  }

  @Test
  void onlyTheSameSecretMakesTheSameSignature() {
    String signature = configured("secret").sign(KEY, "application/pdf", EXPIRES);
    assertTrue(configured("secret").verify(KEY, "application/pdf", EXPIRES, signature));
    assertFalse(configured("another secret").verify(KEY, "application/pdf", EXPIRES, signature));
  }

  @Test
  void aConfiguredSecretLeavesTheDataDirectoryAlone(@TempDir Path dataDir) throws IOException {
    String signature = UploadSigner.load("secret", dataDir).sign(KEY, "application/pdf", EXPIRES);
    assertEquals(configured("secret").sign(KEY, "application/pdf", EXPIRES), signature);
    assertFalse(Files.exists(dataDir.resolve("keys")));
  }

  @Test
  void withoutASecretOneIsKeptInTheDataDirectoryForTheNextStart(@TempDir Path dataDir) throws IOException {
    String signature = UploadSigner.load("", dataDir).sign(KEY, "application/pdf", EXPIRES);
    Path keyFile = dataDir.resolve("keys").resolve("upload-signing.key");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
    assertTrue(UploadSigner.load(" ", dataDir).verify(KEY, "application/pdf", EXPIRES, signature));
  }

  @Test
  void everyDataDirectoryGetsARandomSecretOfItsOwn(@TempDir Path first, @TempDir Path second) throws IOException {
    String signature = UploadSigner.load("", first).sign(KEY, "application/pdf", EXPIRES);
    assertNotEquals(signature, UploadSigner.load("", second).sign(KEY, "application/pdf", EXPIRES));
  }

  @Test
  void noChangedFieldKeepsASignatureValid() {
    UploadSigner signer = configured("secret");
    Samples.check(random -> {
      String key = Samples.string(random);
      String contentType = Samples.string(random);
      long expires = random.nextLong();
      String signature = signer.sign(key, contentType, expires);
      assertTrue(signature.matches("[0-9a-f]{64}"), signature);
      assertTrue(signer.verify(key, contentType, expires, signature));
      String other = Samples.string(random);
      assertEquals(other.equals(key), signer.verify(other, contentType, expires, signature));
      assertEquals(other.equals(contentType), signer.verify(key, other, expires, signature));
      assertFalse(signer.verify(key, contentType, expires - 1, signature));
    });
  }
}
