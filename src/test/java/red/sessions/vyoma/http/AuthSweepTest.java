package red.sessions.vyoma.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import red.sessions.vyoma.auth.DevKeys;
import red.sessions.vyoma.support.JwtForge;
import red.sessions.vyoma.support.OpenApiOperations;
import red.sessions.vyoma.support.OpenApiOperations.Operation;
import red.sessions.vyoma.support.ServerTest;
import red.sessions.vyoma.support.TestServer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;
import static red.sessions.vyoma.support.Api.assertError;

/**
 * The server asks for a bearer token exactly where {@code openapi.yaml} says, on every route: each
 * operation of the document is sent to the running server, the ones that require {@code bearerAuth}
 * with each kind of refused token and with a valid one, the open ones with none. The operations come
 * from the document and {@link OpenApiContractTest} keeps the document equal to the route table, so a
 * route is swept the day it is added, and one whose caller became optional fails here by name.
 */
class AuthSweepTest extends ServerTest {

  /**
   * Fewer operations than the document has today (21 with a token, 5 open) would mean the sweep lost some
   * on the way and passed over them; a floor rather than the counts, so adding a route needs no edit here.
   */
  private static final int AT_LEAST_TOKEN_OPERATIONS = 20;
  private static final int AT_LEAST_OPEN_OPERATIONS = 4;
  /** Longer than the server's own wait for a domain (15 s by default), so every answer it means to give arrives. */
  private static final Duration ANSWER_WITHIN = Duration.ofSeconds(20);
  private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([^}]+)}");

  /** A token as a client might send it; {@code value} {@code null} sends no Authorization header. */
  private record Token(String description, String value) {
  }

  @Test
  void theSweepFindsTheOperationsOfTheDocument() {
    List<Operation> operations = OpenApiOperations.read();
    long open = operations.stream().filter(Operation::open).count();
    long withToken = operations.size() - open;
    assertTrue(withToken >= AT_LEAST_TOKEN_OPERATIONS, () -> "only " + withToken + " operations need a token: " + operations);
    assertTrue(open >= AT_LEAST_OPEN_OPERATIONS, () -> "only " + open + " operations are open: " + operations);
  }

  /** One test per operation and token, named by both; surefire lists them by index, so each failure names the route too. */
  @TestFactory
  Stream<DynamicTest> everyOperationAsksForATokenExactlyWhereTheDocumentSays() {
    DevKeys own = TestServer.devKeys(server.config().dataDir());
    DevKeys another = TestServer.devKeys(TestServer.temporaryDirectory());
    String subject = "auth-sweep-" + UUID.randomUUID();
    // The same claims throughout, so each refused token differs from the valid one in one way only.
    Token valid = new Token("a valid token", JwtForge.rs256(JwtForge.claims(subject, 3600), own.privatePem()));
    List<Token> refused = List.of(
      new Token("no token", null),
      new Token("a malformed token", "not-a-jwt"),
      new Token("an expired token", JwtForge.rs256(JwtForge.claims(subject, -3600), own.privatePem())),
      new Token("a token signed by another key", JwtForge.rs256(JwtForge.claims(subject, 3600), another.privatePem())));
    return OpenApiOperations.read().stream().flatMap(operation -> {
      String uri = uri(operation);
      if (operation.open()) {
        return Stream.of(dynamicTest(operation.name() + " answers without a token",
          () -> assertAnsweredWithoutAToken(operation, uri)));
      }
      Stream<DynamicTest> refusals = refused.stream().map(token -> dynamicTest(
        operation.name() + " with " + token.description() + " is 401", () -> assertRefused(operation, uri, token)));
      return Stream.concat(refusals, Stream.of(dynamicTest(
        operation.name() + " with " + valid.description() + " is not 401", () -> assertAccepted(operation, uri, valid))));
    });
  }

  private static void assertRefused(Operation operation, String uri, Token token) {
    HttpResponse<Buffer> response = send(operation, uri, token.value());
    assertEquals(401, response.statusCode(),
      () -> operation.name() + " (" + uri + ") with " + token.description() + ": " + response.bodyAsString());
    assertError(response, 401);
    assertEquals("Bearer", response.getHeader("WWW-Authenticate"));
  }

  /** The route was reached and got past authentication, so the 401s above are about the token alone. */
  private static void assertAccepted(Operation operation, String uri, Token token) {
    HttpResponse<Buffer> response = send(operation, uri, token.value());
    assertNotEquals(401, response.statusCode(),
      () -> operation.name() + " (" + uri + ") refused " + token.description() + ": " + response.bodyAsString());
  }

  /**
   * Not 401, and a status the operation documents. The sweep sends no query parameters and an empty body,
   * so an open operation that needs more refuses the request on its own terms: {@code PUT /files/{key}},
   * whose credential is the signature in its URL, answers 403 for the missing one, as documented.
   */
  private static void assertAnsweredWithoutAToken(Operation operation, String uri) {
    HttpResponse<Buffer> response = send(operation, uri, null);
    assertNotEquals(401, response.statusCode(),
      () -> operation.name() + " (" + uri + ") asked for a token: " + response.bodyAsString());
    assertTrue(operation.documents(response.statusCode()), () -> operation.name() + " (" + uri + ") answered "
      + response.statusCode() + ", which it does not document (" + operation.responses() + "): " + response.bodyAsString());
  }

  /**
   * An operation with a request body gets {@code {}} as JSON: authentication runs before the body is
   * checked, but a route that consumes JSON answers 415 to a request without that content type before it.
   * A request left unanswered fails its own test rather than holding up the sweep.
   */
  private static HttpResponse<Buffer> send(Operation operation, String uri, String token) {
    return api.send(HttpMethod.valueOf(operation.method()), uri, token,
      operation.hasRequestBody() ? new JsonObject() : null, ANSWER_WITHIN);
  }

  /**
   * The path with each parameter filled: a fresh UUID for a UUID (an id no one has, so nothing is touched),
   * otherwise the document's example (a file key, slashes and all).
   */
  private static String uri(Operation operation) {
    Matcher parameters = PATH_PARAMETER.matcher(operation.path());
    StringBuilder uri = new StringBuilder();
    while (parameters.find()) {
      parameters.appendReplacement(uri, Matcher.quoteReplacement(value(operation, parameters.group(1))));
    }
    return parameters.appendTail(uri).toString();
  }

  private static String value(Operation operation, String name) {
    Map<String, Object> parameter = operation.parameters().stream()
      .filter(candidate -> "path".equals(candidate.get("in")) && name.equals(candidate.get("name")))
      .findFirst()
      .orElseGet(() -> fail(operation.name() + " does not document its path parameter " + name));
    Object schema = parameter.get("schema");
    if (schema instanceof Map<?, ?> type && "uuid".equals(type.get("format"))) {
      return UUID.randomUUID().toString();
    }
    Object example = parameter.get("example");
    if (example == null) {
      fail(operation.name() + ": give the path parameter " + name + " format uuid or an example, so the sweep can fill it");
    }
    return String.valueOf(example);
  }
}
