package red.sessions.vyoma.http;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import red.sessions.vyoma.platform.AppConfig;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code openapi.yaml} describes exactly the routes the server has: the route table of {@link ApiRouter}
 * (built with the default configuration, so the local store's upload route is there) against the
 * document's {@code paths} × methods, in both directions; and every operation has an id, a success
 * response and the right security.
 */
@ExtendWith(VertxExtension.class)
class OpenApiContractTest {

  private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
  private static final Pattern PATH_PARAM = Pattern.compile(":([A-Za-z_][A-Za-z0-9_]*)");
  private static final Pattern NAMED_GROUP = Pattern.compile("\\(\\?<([A-Za-z][A-Za-z0-9]*)>[^()]*\\)");
  private static final Pattern REGEX_LEFTOVER = Pattern.compile("[()\\[\\]*+?|\\\\^$]");

  /** "METHOD /path" of every route the router serves, path parameters as {@code {name}}. */
  private static Set<String> served;
  private static Map<String, Object> document;

  @BeforeAll
  static void load(Vertx bootstrap) throws IOException {
    AppConfig config = AppConfig.load(bootstrap, null, Map.of()).await();
    // With metrics on, as by default, so the router serves /metrics as the jar's does.
    Vertx vertx = Vertx.vertx(config.vertxOptions());
    try {
      // The verifier, database, signer and cluster are only stored by the handlers that use them
      // (BearerAuthentication, LocalUploadHandler) or captured by handler lambdas (/health/ready): building
      // the route table touches none of them, and this test never runs a handler. The contract's checks are
      // looked up as each typed endpoint is declared, so the route table needs them.
      Router router = ApiRouter.create(vertx, config, null, null, null, null, Buffer.buffer(),
        ContractValidation.load(vertx).await());
      served = servedOperations(router);
    } finally {
      vertx.close().await();
    }
    document = readDocument();
  }

  @Test
  void everyRouteIsDocumentedAndEveryDocumentedRouteExists() {
    Set<String> documented = new TreeSet<>(operations().keySet());
    Set<String> undocumented = new TreeSet<>(served);
    undocumented.removeAll(documented);
    Set<String> unserved = new TreeSet<>(documented);
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
    operations().forEach((operation, spec) -> {
      Object id = spec.get("operationId");
      if (!(id instanceof String name) || name.isBlank()) {
        problems.add(operation + " has no operationId");
      } else if (ids.putIfAbsent(name, operation) != null) {
        problems.add(operation + " reuses the operationId " + name + " of " + ids.get(name));
      }
      Map<String, Object> responses = map(spec.get("responses"));
      boolean success = responses != null && responses.keySet().stream().map(String::valueOf)
        .anyMatch(status -> status.matches("[23](\\d\\d|XX)"));
      if (!success) {
        problems.add(operation + " has no 2xx or 3xx response");
      }
    });
    assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
  }

  @Test
  void onlyTheOpenRoutesGoWithoutABearerToken() {
    Object global = document.get("security");
    List<String> problems = new ArrayList<>();
    operations().forEach((operation, spec) -> {
      List<?> security = (List<?>) (spec.containsKey("security") ? spec.get("security") : global);
      boolean bearer = security != null && !security.isEmpty()
        && security.stream().allMatch(requirement -> {
          Map<String, Object> schemes = map(requirement);
          return schemes != null && schemes.containsKey("bearerAuth");
        });
      boolean anonymous = security == null || security.isEmpty();
      if (isOpen(operation) && !anonymous) {
        problems.add(operation + " is open on the server but documented with security " + security);
      } else if (!isOpen(operation) && !bearer) {
        problems.add(operation + " needs a bearer token on the server but is documented with security " + security);
      }
    });
    assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
  }

  /** The routes ApiRouter serves without authentication; every other one requires a bearer token. */
  private static boolean isOpen(String operation) {
    String path = operation.substring(operation.indexOf(' ') + 1);
    return operation.equals("GET /health") || operation.equals("GET /health/ready")
      || operation.equals("GET /openapi.yaml") || operation.equals("GET /metrics") || path.equals("/docs") || path.startsWith("/docs/")
      || path.startsWith("/docs.") || operation.equals("PUT /files/{key}");
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

  /** "METHOD /path" → the operation object, for every operation of the document. */
  private static Map<String, Map<String, Object>> operations() {
    Map<String, Object> paths = map(document.get("paths"));
    assertNotNull(paths, "openapi.yaml has no paths");
    Map<String, Map<String, Object>> operations = new HashMap<>();
    paths.forEach((path, item) -> map(item).forEach((key, operation) -> {
      if (HTTP_METHODS.contains(key)) {
        operations.put(key.toUpperCase(Locale.ROOT) + " " + path, map(operation));
      }
    }));
    return operations;
  }

  private static Map<String, Object> readDocument() throws IOException {
    try (InputStream in = OpenApiContractTest.class.getResourceAsStream("/openapi.yaml")) {
      assertNotNull(in, "openapi.yaml is not on the classpath");
      return new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    return value instanceof Map<?, ?> map ? (Map<String, Object>) map : null;
  }
}
