package red.sessions.vyoma.auth;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import red.sessions.vyoma.support.Api;
import red.sessions.vyoma.support.JwtForge;
import red.sessions.vyoma.support.ServerTest;
import red.sessions.vyoma.support.TestServer;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static red.sessions.vyoma.support.Api.assertError;
import static red.sessions.vyoma.support.Api.assertJson;

/**
 * Every token the server must refuse gets 401 in the error shape; the well-formed one gets through.
 * The probe is {@code GET /profiles} for an unknown user: 404 proves the token was accepted.
 */
@ExtendWith(VertxExtension.class)
class AuthenticationTest extends ServerTest {

  private static final String PROBE = "/profiles?user_id=nobody-at-all";

  private static DevKeys keys;

  @BeforeAll
  static void theServersKeys() {
    keys = TestServer.devKeys(server.config().dataDir());
  }

  private static void assertRefused(String token) {
    JsonObject error = assertError(server.api().get(PROBE, token), 401);
    assertEquals("unauthorized", error.getString("error"));
  }

  @Test
  void aTokenSignedWithTheDevelopmentKeyIsAccepted() {
    assertError(server.api().get(PROBE, JwtForge.rs256(JwtForge.claims("alice", 60), keys.privatePem())), 404);
  }

  @Test
  void missingAuthorizationHeaderIs401() {
    var response = server.api().get(PROBE, null);
    assertError(response, 401);
    assertEquals("Bearer", response.getHeader("WWW-Authenticate"));
  }

  @Test
  void garbageTokenIs401() {
    assertRefused("not-a-jwt");
    assertRefused("a.b.c");
  }

  @Test
  void expiredTokenIs401() {
    assertRefused(JwtForge.rs256(JwtForge.claims("alice", -3600), keys.privatePem()));
  }

  @Test
  void tokenWithoutExpiryIs401() {
    JsonObject claims = JwtForge.claims("alice", 60);
    claims.remove("exp");
    assertRefused(JwtForge.rs256(claims, keys.privatePem()));
  }

  @Test
  void tokenNotYetValidIs401() {
    JsonObject claims = JwtForge.claims("alice", 7200).put("nbf", Instant.now().getEpochSecond() + 3600);
    assertRefused(JwtForge.rs256(claims, keys.privatePem()));
  }

  @Test
  void tokenWithoutSubjectIs401() {
    JsonObject claims = JwtForge.claims("alice", 60);
    claims.remove("sub");
    assertRefused(JwtForge.rs256(claims, keys.privatePem()));
  }

  @Test
  void tokenSignedWithAnotherKeyIs401() {
    DevKeys stranger = TestServer.devKeys(TestServer.temporaryDirectory());
    assertRefused(JwtForge.rs256(JwtForge.claims("alice", 60), stranger.privatePem()));
  }

  @Test
  void unsignedAlgNoneTokenIs401() {
    assertRefused(JwtForge.unsigned(JwtForge.claims("alice", 60)));
  }

  @Test
  void hs256TokenSignedWithThePublicKeyAsSecretIs401() {
    byte[] publicKeyAsSecret = keys.publicPem().getBytes(StandardCharsets.US_ASCII);
    assertRefused(JwtForge.hs256(JwtForge.claims("alice", 60), publicKeyAsSecret));
  }

  @Test
  void wrongSchemeIs401() {
    String token = JwtForge.rs256(JwtForge.claims("alice", 60), keys.privatePem());
    assertError(server.api().request(HttpMethod.GET, PROBE).putHeader("Authorization", "Basic " + token).send().await(), 401);
    assertError(server.api().request(HttpMethod.GET, PROBE).putHeader("Authorization", token).send().await(), 401);
  }

  @Test
  void adminMarkComesFromTheRolesClaim() {
    String target = "admin-target-" + Instant.now().toEpochMilli();
    JsonObject body = new JsonObject().put("user_id", target).put("role", "student")
      .put("profile_data", new JsonObject().put("name", "Target").put("email", "t@example.com"));
    JsonObject admin = JwtForge.claims("root", 60).put("roles", new JsonArray().add("admin"));
    JsonObject notAdmin = JwtForge.claims("root", 60).put("roles", new JsonArray().add("teacher"));
    assertError(server.api().post("/profiles", JwtForge.rs256(notAdmin, keys.privatePem()), body), 403);
    assertJson(server.api().post("/profiles", JwtForge.rs256(admin, keys.privatePem()), body), 201);
  }

  /** With an issuer and audience configured, tokens naming others are refused. */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class WithIssuerAndAudience {

    private TestServer strict;
    private DevKeys strictKeys;

    @BeforeAll
    void start() {
      strict = TestServer.start(Map.of(
        "VYOMA_AUTH_ISSUER", "https://issuer.example",
        "VYOMA_AUTH_AUDIENCE", "vyoma-api"));
      strictKeys = TestServer.devKeys(strict.config().dataDir());
    }

    @AfterAll
    void stop() {
      strict.close();
    }

    private Api api() {
      return strict.api();
    }

    @Test
    void matchingIssuerAndAudienceAreAccepted() {
      JsonObject claims = JwtForge.claims("alice", 60).put("iss", "https://issuer.example").put("aud", "vyoma-api");
      assertError(api().get(PROBE, JwtForge.rs256(claims, strictKeys.privatePem())), 404);
      assertError(api().get(PROBE, strict.token("alice")), 404);
    }

    @Test
    void wrongIssuerIs401() {
      JsonObject claims = JwtForge.claims("alice", 60).put("iss", "https://evil.example").put("aud", "vyoma-api");
      assertError(api().get(PROBE, JwtForge.rs256(claims, strictKeys.privatePem())), 401);
    }

    @Test
    void wrongAudienceIs401() {
      JsonObject claims = JwtForge.claims("alice", 60).put("iss", "https://issuer.example").put("aud", "other-api");
      assertError(api().get(PROBE, JwtForge.rs256(claims, strictKeys.privatePem())), 401);
    }
  }

  /** A PEM public key configured: its tokens pass, the development key's do not, and no token is minted. */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class WithAPemPublicKey {

    private final DevKeys issuer = TestServer.devKeys(TestServer.temporaryDirectory());
    private TestServer pem;

    @BeforeAll
    void start() {
      pem = TestServer.start(Map.of("VYOMA_AUTH_PUBLIC_KEY_PEM", issuer.publicPem()));
    }

    @AfterAll
    void stop() {
      pem.close();
    }

    @Test
    void tokensOfTheConfiguredKeyAreAcceptedAndOthersRefused() {
      assertError(pem.api().get(PROBE, JwtForge.rs256(JwtForge.claims("alice", 60), issuer.privatePem())), 404);
      String devToken = JwtForge.rs256(JwtForge.claims("alice", 60),
        TestServer.devKeys(pem.config().dataDir()).privatePem());
      assertError(pem.api().get(PROBE, devToken), 401);
    }
  }

  /** A JWKS URL configured (as for a Cognito user pool): keys are fetched from it. */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class WithAJwksUrl {

    private final DevKeys issuer = TestServer.devKeys(TestServer.temporaryDirectory());
    private HttpServer jwksServer;
    private TestServer jwks;

    @BeforeAll
    void start() {
      String body = new JsonObject().put("keys", new JsonArray().add(JwtForge.jwk(issuer.publicPem(), "k1"))).encode();
      jwksServer = server.vertx().createHttpServer()
        .requestHandler(request -> request.response().putHeader("Content-Type", "application/json").end(body))
        .listen(0, "127.0.0.1").await();
      jwks = TestServer.start(Map.of(
        "VYOMA_AUTH_JWKS_URL", "http://127.0.0.1:" + jwksServer.actualPort() + "/.well-known/jwks.json"));
    }

    @AfterAll
    void stop() {
      jwks.close();
      jwksServer.close().await();
    }

    @Test
    void tokensSignedWithAPublishedKeyAreAcceptedAndOthersRefused() {
      assertError(jwks.api().get(PROBE, JwtForge.rs256(JwtForge.claims("alice", 60), issuer.privatePem())), 404);
      DevKeys stranger = TestServer.devKeys(TestServer.temporaryDirectory());
      assertError(jwks.api().get(PROBE, JwtForge.rs256(JwtForge.claims("alice", 60), stranger.privatePem())), 401);
      assertError(jwks.api().get(PROBE, JwtForge.unsigned(JwtForge.claims("alice", 60))), 401);
    }
  }
}
