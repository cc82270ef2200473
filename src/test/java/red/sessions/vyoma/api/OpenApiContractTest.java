package red.sessions.vyoma.api;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import red.sessions.vyoma.http.ContractValidation;
import red.sessions.vyoma.http.RateLimits;
import red.sessions.vyoma.http.RequestMetrics;
import red.sessions.vyoma.http.StreamSlots;
import red.sessions.vyoma.platform.AppConfig;
import red.sessions.vyoma.support.OpenApiOperations.Operation;
import red.sessions.vyoma.support.OpenApiOperations;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code openapi.yaml} describes exactly the routes the server has: the route table of {@link ApiRouter}
 * (built with the default configuration, so the local store's upload route is there) against the
 * document's {@code paths} × methods, in both directions; and every operation has an id and a success
 * response. That the server asks for a token exactly where the document says is {@link AuthSweepTest}'s,
 * against the running server; together the two cover every route.
 */
@ExtendWith(VertxExtension.class)
class OpenApiContractTest {

  private static final Pattern PATH_PARAM = Pattern.compile(":([A-Za-z_][A-Za-z0-9_]*)");
  private static final Pattern NAMED_GROUP = Pattern.compile("\\(\\?<([A-Za-z][A-Za-z0-9]*)>[^()]*\\)");
  private static final Pattern REGEX_LEFTOVER = Pattern.compile("[()\\[\\]*+?|\\\\^$]");

  /** "METHOD /path" of every route the router serves, path parameters as {@code {name}}. */
  private static Set<String> served;
  private static List<Operation> documented;

  @BeforeAll
  static void load(Vertx bootstrap) {
    AppConfig config = AppConfig.load(bootstrap, null, Map.of()).await();
    // With metrics on, as by default, so the router serves /metrics as the jar's does.
    Vertx vertx = Vertx.vertx(config.vertxOptions());
    try {
      // The verifier, database, local uploads and cluster are only stored by the handlers that use them
      // (BearerAuthentication, LocalUploadHandler) or captured by handler lambdas (/health/ready): building
      // the route table touches none of them, and this test never runs a handler. The contract's checks are
      // built, since declaring a route looks up its operation.
      Router router = ApiRouter.create(vertx, config, null, null, null, null,
        RateLimits.create(vertx, config.rateLimits(), null), StreamSlots.create(vertx, config.events()),
        RequestMetrics.create(vertx), Buffer.buffer(), ContractValidation.load(vertx).await());
      served = servedOperations(router);
    } finally {
      vertx.close().await();
    }
    documented = OpenApiOperations.read();
  }

  @Test
  void everyRouteIsDocumentedAndEveryDocumentedRouteExists() {
    Set<String> names = new TreeSet<>(documented.stream().map(Operation::name).toList());
    Set<String> undocumented = new TreeSet<>(served);
    undocumented.removeAll(names);
    Set<String> unserved = new TreeSet<>(names);
    unserved.removeAll(served);
    if (!undocumented.isEmpty() || !unserved.isEmpty()) {
      fail("openapi.yaml and ApiRouter disagree.\n"
        + "  served but missing from openapi.yaml: " + undocumented + "\n"
        + "  in openapi.yaml but not served:      " + unserved);
    }
  }

  @Test
  void theRouteTableIsReadWithItsParametersAndRegexRoutes() {
    // Guards the comparison above against a reader that silently loses routes.
    for (String expected : List.of("GET /health", "GET /bookings/{booking_id}", "POST /presigned-url",
      "GET /files/{key}", "PUT /files/{key}")) {
      assertTrue(served.contains(expected), () -> expected + " not among the routes read: " + served);
    }
  }

  @Test
  void everyOperationHasAnIdAndASuccessResponse() {
    List<String> problems = new ArrayList<>();
    Map<String, String> ids = new HashMap<>();
    for (Operation operation : documented) {
      Object id = operation.spec().get("operationId");
      if (!(id instanceof String name) || name.isBlank()) {
        problems.add(operation.name() + " has no operationId");
      } else if (ids.putIfAbsent(name, operation.name()) != null) {
        problems.add(operation.name() + " reuses the operationId " + name + " of " + ids.get(name));
      }
      if (operation.responses().stream().noneMatch(status -> status.matches("[23](\\d\\d|XX)"))) {
        problems.add(operation.name() + " has no 2xx or 3xx response");
      }
    }
    assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
  }

  private static Set<String> servedOperations(Router router) {
    Set<String> operations = new TreeSet<>();
    for (Route route : router.getRoutes()) {
      Set<HttpMethod> methods = route.methods();
      String path = openApiPath(route);
      if (path == null || methods == null || methods.isEmpty()) {
        continue; // the catch-all of request ids, the access log and failures
      }
      for (HttpMethod method : methods) {
        operations.add(method.name() + " " + path);
      }
    }
    return operations;
  }

  /** The route's path as OpenAPI writes it: {@code /a/:id} is {@code /a/{id}}, {@code /f/(?<key>.+)} is {@code /f/{key}}. */
  private static String openApiPath(Route route) {
    if (route.getPath() != null) {
      return PATH_PARAM.matcher(route.getPath()).replaceAll("{$1}");
    }
    if (!route.isRegexPath()) {
      return null;
    }
    // The pattern, or the template the route is named with for metrics and the access log (/files/:key).
    String regex = route.getName();
    Matcher groups = NAMED_GROUP.matcher(regex);
    String path = PATH_PARAM.matcher(groups.replaceAll("{$1}")).replaceAll("{$1}");
    if (REGEX_LEFTOVER.matcher(path).find()) {
      fail("cannot turn the regex route " + regex + " into an OpenAPI path; use named groups (?<name>…) only");
    }
    return path;
  }
}
