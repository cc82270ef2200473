package red.sessions.vyoma.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import red.sessions.vyoma.support.ServerTest;
import red.sessions.vyoma.support.TestServer;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.support.Api.assertError;
import static red.sessions.vyoma.support.Api.assertJson;

/** With a certificate configured the API is HTTPS, HTTP/2 for clients that offer it, and plain HTTP redirects there. */
@ExtendWith(VertxExtension.class)
class TlsTest extends ServerTest {

  private static Path cert;
  private static Path key;
  private static int redirectPort;

  @Override
  protected Map<String, String> settings() {
    Path dir = TestServer.temporaryDirectory();
    try {
      selfSignedCertificate(dir);
    } catch (Exception e) {
      throw new IllegalStateException("no certificate for the test", e);
    }
    cert = dir.resolve("cert.pem");
    key = dir.resolve("key.pem");
    redirectPort = TestServer.freePort();
    return Map.of(
      "VYOMA_TLS_CERT", cert.toString(),
      "VYOMA_TLS_KEY", key.toString(),
      "VYOMA_TLS_REDIRECT_PORT", String.valueOf(redirectPort));
  }

  @Test
  void theApiIsServedOverHttp2WithTls() {
    WebClient client = https(HttpVersion.HTTP_2);
    HttpResponse<Buffer> health = client.get("/health").send().await();
    assertJson(health, 200);
    assertEquals(HttpVersion.HTTP_2, health.version());

    String user = "tls-user";
    HttpResponse<Buffer> created = client.post("/profiles").bearerTokenAuthentication(server.token(user))
      .sendJsonObject(new JsonObject().put("user_id", user).put("role", "student")
        .put("profile_data", new JsonObject().put("name", "Tess").put("email", "tess@example.com")))
      .await();
    assertJson(created, 201);
    assertEquals(HttpVersion.HTTP_2, created.version());
    assertError(client.get("/profiles?user_id=" + user).send().await(), 401);
  }

  @Test
  void http1ClientsAreServedOverTlsToo() {
    HttpResponse<Buffer> health = https(HttpVersion.HTTP_1_1).get("/health").send().await();
    assertJson(health, 200);
    assertEquals(HttpVersion.HTTP_1_1, health.version());
  }

  @Test
  void plainHttpOnTheRedirectPortIsSentToTheSameUrlOverHttps() {
    WebClient plain = server.client(new WebClientOptions().setFollowRedirects(false));
    HttpResponse<Buffer> redirect = plain.get(redirectPort, "localhost", "/profiles?user_id=alice").send().await();
    assertEquals(308, redirect.statusCode());
    assertEquals("https://localhost:" + server.config().http().getInteger("port") + "/profiles?user_id=alice",
      redirect.getHeader("Location"));
  }

  @Test
  void uploadUrlsAreHttpsOnTheServersOwnPort() {
    WebClient client = https(HttpVersion.HTTP_1_1);
    JsonObject grant = assertJson(client.post("/presigned-url").bearerTokenAuthentication(server.token("tls-uploader"))
      .sendJsonObject(new JsonObject().put("file_name", "notes.txt").put("content_type", "text/plain")).await(), 200);
    String base = "https://127.0.0.1:" + server.config().http().getInteger("port") + "/files/uploads/";
    assertTrue(grant.getString("upload_url").startsWith(base), grant::encode);
    assertTrue(grant.getString("file_url").startsWith(base), grant::encode);
    assertJson(client.requestAbs(HttpMethod.PUT, grant.getString("upload_url")).putHeader("Content-Type", "text/plain")
      .sendBuffer(Buffer.buffer("chain rule")).await(), 200);
  }

  @Test
  void aCertificateWithoutItsKeyStopsStartup() {
    Exception e = assertThrows(Exception.class, () -> TestServer.start(Map.of("VYOMA_TLS_CERT", cert.toString())));
    assertTrue(e.getMessage().contains("tls.key"), e.getMessage());
  }

  private static WebClient https(HttpVersion version) {
    return server.client(new WebClientOptions()
      .setSsl(true)
      .setUseAlpn(true)
      .setProtocolVersion(version)
      .setTrustOptions(new PemTrustOptions().addCertPath(cert.toString()))
      .setDefaultHost("localhost")
      .setDefaultPort(server.config().http().getInteger("port")));
  }

  /**
   * A certificate for localhost, made with the JDK's keytool, written as the PEM files the server takes: the
   * certificate, and the private key in PKCS#8.
   */
  private static void selfSignedCertificate(Path dir) throws Exception {
    Path keystore = dir.resolve("keystore.p12");
    String password = "changeit";
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
      "-genkeypair", "-alias", "vyoma", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
      "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
      "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", password, "-keypass", password)
      .redirectErrorStream(true).start();
    String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0, "keytool: " + output);

    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      store.load(in, password.toCharArray());
    }
    Files.writeString(dir.resolve("cert.pem"), pem("CERTIFICATE", store.getCertificate("vyoma").getEncoded()));
    Files.writeString(dir.resolve("key.pem"), pem("PRIVATE KEY", store.getKey("vyoma", password.toCharArray()).getEncoded()));
  }

  private static String pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return String.join("\n", List.of("-----BEGIN " + type + "-----", body, "-----END " + type + "-----", ""));
  }
}
