package red.sessions.vyoma.auth;

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
import red.sessions.vyoma.support.JwtForge;
import red.sessions.vyoma.support.Scrape;
import red.sessions.vyoma.support.ServerTest;
import red.sessions.vyoma.support.TestServer;
import red.sessions.vyoma.support.Wait;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static red.sessions.vyoma.support.Api.assertError;
import static red.sessions.vyoma.support.Api.assertJson;

/**
 * A token verified once is taken from the cache on its next calls, and the cache never accepts what
 * verification would not: not past {@code exp}, not a token that differs by a character, not after the
 * keys change. Which path accepted a token shows in {@code vyoma_auth_tokens_accepted_total{by}}.
 * The probe is {@code GET /profiles} for an unknown user: 404 proves the token was accepted.
 */
@ExtendWith(VertxExtension.class)
class TokenCacheTest extends ServerTest {

  private static final String PROBE = "/profiles?user_id=nobody-at-all";

  /** Without leeway, so that verification refuses a token from its {@code exp} on, as the cache does. */
  private static DevKeys keys;

  @Override
  protected Map<String, String> settings() {
    return Map.of("VYOMA_AUTH_LEEWAY_SECONDS", "0");
  }

  @BeforeAll
  static void theServersKeys() {
    keys = TestServer.devKeys(server.config().dataDir());
  }

  /** Tokens a server has accepted so far: after a signature check, and from its cache. */
  private record Accepted(double bySignature, double fromCache) {

    private static final String METRIC = "vyoma_auth_tokens_accepted_total";

    static Accepted by(TestServer server) {
      Scrape scrape = new Scrape(server.api().get("/metrics", null).bodyAsString());
      return new Accepted(scrape.value(METRIC, Map.of("by", "signature")), scrape.value(METRIC, Map.of("by", "cache")));
    }

    Accepted since(Accepted before) {
      return new Accepted(bySignature - before.bySignature, fromCache - before.fromCache);
    }
  }

  private static String token(String subject, long expiresInSeconds) {
    return JwtForge.rs256(JwtForge.claims(subject, expiresInSeconds), keys.privatePem());
  }

  private static void await(String what, BooleanSupplier condition) {
    Wait.eventually(Duration.ofSeconds(10), Duration.ofMillis(100), condition, () -> "timed out waiting until " + what);
  }

  @Test
  void aTokensRepeatedCallsSkipTheSignatureCheck() {
    String token = token("alice", 600);
    Accepted before = Accepted.by(server);
    for (int call = 0; call < 3; call++) {
      assertError(server.api().get(PROBE, token), 404);
    }
    assertEquals(new Accepted(1, 2), Accepted.by(server).since(before));
  }

  @Test
  void aCachedTokenIsRefusedFromItsExpiry() {
    JsonObject claims = JwtForge.claims("alice", 3);
    String token = JwtForge.rs256(claims, keys.privatePem());
    Accepted before = Accepted.by(server);
    assertError(server.api().get(PROBE, token), 404);
    assertError(server.api().get(PROBE, token), 404);
    assertEquals(new Accepted(1, 1), Accepted.by(server).since(before), "the second call came from the cache");
    Wait.until(Instant.ofEpochSecond(claims.getLong("exp")));
    assertError(server.api().get(PROBE, token), 401);
  }

  @Test
  void aTokenThatDiffersFromACachedOneIsCheckedAndRefused() {
    String token = token("alice", 600);
    assertError(server.api().get(PROBE, token), 404);
    assertError(server.api().get(PROBE, token), 404);
    int signature = token.lastIndexOf('.') + 1;
    char flipped = token.charAt(signature) == 'A' ? 'B' : 'A';
    String tamperedSignature = token.substring(0, signature) + flipped + token.substring(signature + 1);
    String[] parts = token.split("\\.");
    String otherClaimsSameSignature = token("mallory", 600).split("\\.")[1];
    String swappedClaims = parts[0] + "." + otherClaimsSameSignature + "." + parts[2];
    Accepted before = Accepted.by(server);
    for (String refused : new String[] {tamperedSignature, swappedClaims, tamperedSignature, swappedClaims}) {
      assertError(server.api().get(PROBE, refused), 401);
    }
    assertEquals(new Accepted(0, 0), Accepted.by(server).since(before));
  }

  @Test
  void aRefusedTokenStaysRefused() {
    JsonObject claims = JwtForge.claims("alice", 600);
    claims.remove("sub");
    String withoutSubject = JwtForge.rs256(claims, keys.privatePem());
    String notYetValid = JwtForge.rs256(JwtForge.claims("alice", 7200)
      .put("nbf", Instant.now().getEpochSecond() + 3600), keys.privatePem());
    for (String refused : new String[] {withoutSubject, notYetValid, withoutSubject, notYetValid}) {
      assertError(server.api().get(PROBE, refused), 401);
    }
  }

  @Test
  void aCachedTokenKeepsItsAdminMark() {
    String admin = JwtForge.rs256(JwtForge.claims("root", 600).put("roles", new JsonArray().add("admin")),
      keys.privatePem());
    String notAdmin = JwtForge.rs256(JwtForge.claims("root", 600).put("roles", new JsonArray().add("teacher")),
      keys.privatePem());
    Accepted before = Accepted.by(server);
    for (int call = 0; call < 2; call++) {
      String target = "cached-admin-target-" + call + "-" + Instant.now().toEpochMilli();
      JsonObject body = new JsonObject().put("user_id", target).put("role", "student")
        .put("profile_data", new JsonObject().put("name", "Target").put("email", "t@example.com"));
      assertJson(server.api().post("/profiles", admin, body), 201);
      assertError(server.api().post("/profiles", notAdmin, body), 403);
    }
    assertEquals(new Accepted(2, 2), Accepted.by(server).since(before));
  }

  /** With the default leeway, verification still takes a token a little past its expiry; the cache does not. */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class WithLeeway {

    private TestServer lenient;

    @BeforeAll
    void start() {
      lenient = TestServer.start(Map.of());
    }

    @AfterAll
    void stop() {
      lenient.close();
    }

    @Test
    void pastItsExpiryATokenIsCheckedAgainNotTakenFromTheCache() {
      JsonObject claims = JwtForge.claims("alice", 3);
      String token = JwtForge.rs256(claims, TestServer.devKeys(lenient.config().dataDir()).privatePem());
      Accepted before = Accepted.by(lenient);
      assertError(lenient.api().get(PROBE, token), 404);
      assertError(lenient.api().get(PROBE, token), 404);
      Wait.until(Instant.ofEpochSecond(claims.getLong("exp")));
      assertError(lenient.api().get(PROBE, token), 404);
      assertError(lenient.api().get(PROBE, token), 404);
      assertEquals(new Accepted(3, 1), Accepted.by(lenient).since(before));
    }
  }

  /** {@code auth.token_cache_size} 0: every call is checked, and still accepted. */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class WithoutACache {

    private TestServer uncached;

    @BeforeAll
    void start() {
      uncached = TestServer.start(Map.of("VYOMA_AUTH_TOKEN_CACHE_SIZE", "0"));
    }

    @AfterAll
    void stop() {
      uncached.close();
    }

    @Test
    void everyCallChecksTheSignature() {
      String token = uncached.token("alice");
      Accepted before = Accepted.by(uncached);
      for (int call = 0; call < 3; call++) {
        assertError(uncached.api().get(PROBE, token), 404);
      }
      assertEquals(new Accepted(3, 0), Accepted.by(uncached).since(before));
    }
  }

  /** Keys from a JWKS refreshed every second: tokens verified with keys no longer published are not served. */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class WithAJwksUrl {

    private final DevKeys first = TestServer.devKeys(TestServer.temporaryDirectory());
    private final DevKeys second = TestServer.devKeys(TestServer.temporaryDirectory());
    private final AtomicReference<String> published = new AtomicReference<>();
    private final AtomicInteger fetches = new AtomicInteger();
    private HttpServer jwksServer;
    private TestServer jwks;

    @BeforeAll
    void start() {
      publish(first);
      jwksServer = server.vertx().createHttpServer()
        .requestHandler(request -> {
          fetches.incrementAndGet();
          request.response().putHeader("Content-Type", "application/json").end(published.get());
        })
        .listen(0, "127.0.0.1").await();
      jwks = TestServer.start(Map.of(
        "VYOMA_AUTH_JWKS_URL", "http://127.0.0.1:" + jwksServer.actualPort() + "/.well-known/jwks.json",
        "VYOMA_AUTH_JWKS_REFRESH_SECONDS", "1"));
    }

    @AfterAll
    void stop() {
      jwks.close();
      jwksServer.close().await();
    }

    private void publish(DevKeys issuer) {
      published.set(new JsonObject().put("keys", new JsonArray().add(JwtForge.jwk(issuer.publicPem(), "k1"))).encode());
    }

    private String tokenOf(DevKeys issuer) {
      return JwtForge.rs256(JwtForge.claims("alice", 600), issuer.privatePem());
    }

    private boolean accepts(String token) {
      return jwks.api().get(PROBE, token).statusCode() == 404;
    }

    @Test
    void aTokenCachedBeforeItsKeyWasWithdrawnIsRefused() {
      publish(first);
      String old = tokenOf(first);
      await("the first key is in use", () -> accepts(old));
      Accepted before = Accepted.by(jwks);
      assertError(jwks.api().get(PROBE, old), 404);
      assertEquals(new Accepted(0, 1), Accepted.by(jwks).since(before), "the old token is in the cache");
      publish(second);
      String fresh = tokenOf(second);
      await("the second key is in use", () -> accepts(fresh));
      assertError(jwks.api().get(PROBE, old), 401);
    }

    @Test
    void aRefreshThatFindsTheSameKeysKeepsTheCache() {
      publish(first);
      String token = tokenOf(first);
      await("the first key is in use", () -> accepts(token));
      Accepted before = Accepted.by(jwks);
      int fetched = fetches.get();
      // Two fetches later, the first of them has surely been applied.
      await("two more refreshes", () -> fetches.get() >= fetched + 2);
      assertError(jwks.api().get(PROBE, token), 404);
      assertEquals(new Accepted(0, 1), Accepted.by(jwks).since(before));
    }
  }
}
