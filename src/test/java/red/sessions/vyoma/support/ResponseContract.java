package red.sessions.vyoma.support;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.impl.ClientPhase;
import io.vertx.ext.web.client.impl.WebClientInternal;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import red.sessions.vyoma.support.OpenApiOperations.Operation;

import java.math.BigDecimal;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Every answer a test gets from the server under test, held to {@code openapi.yaml}: the test clients of
 * {@link TestServer} and {@link Node} (so {@link Api}, {@link Seed}), {@link Race}'s racers and
 * {@link #check(java.net.http.HttpResponse)} for the JDK client all pass their answers through here, and an
 * answer the document does not allow fails the request, so the test that sent it. The document is read and
 * its schemas compiled once per JVM, when this class loads.
 *
 * <p>The rules:
 * <ol>
 *   <li><b>Which operation.</b> The request's path (without its query, as the router reads it: dot segments
 *   resolved, a trailing slash ignored) is matched against the document's
 *   path templates, a parameter standing for one path segment or part of one, a template with more literal
 *   segments (or segments with literal text beside a parameter, as {@code {token}.ics}) before one with fewer. When none matches, the file key that ends {@code /files/{key}} and {@code /downloads/{key}} may span
 *   slashes (the routes the server matches by a pattern), so {@code /files/uploads/a/b.pdf} is {@code /files/{key}}; no other
 *   parameter does ({@code /webhooks/x/deliveries//redeliver} is no operation).</li>
 *   <li><b>A documented operation</b> (template and method): its status must be documented for it (the
 *   code, its {@code NXX} range or {@code default}, {@code $ref}s to {@code components/responses}
 *   followed). Its {@code Content-Type}, without parameters, must be one of that response's media types
 *   ({@code type/*} and {@code *}{@code /*} match their kind), and a response documented without content
 *   must have an empty body. A JSON media type's body must parse and validate against its schema, read as
 *   OpenAPI 3.0 reads it ({@code nullable} honoured) and with every object closed: a field the schema does
 *   not name fails, unless the schema says {@code additionalProperties}. An {@code Error} body's
 *   {@code status_code} must be the response's status. Every header the response documents with
 *   {@code required: true} must be present, and every documented header present must match its schema
 *   ({@code Content-Type} excepted, as OpenAPI ignores it); headers the response does not document
 *   (transport, CORS) are not checked.</li>
 *   <li><b>A documented path with a method it does not list</b> is answered {@code 405} in the error shape,
 *   except {@code OPTIONS}, a CORS preflight (the document's CORS paragraph): {@code 204} with no body, or an
 *   error in the error shape.</li>
 *   <li><b>Any other path</b> is answered {@code 404} in the error shape; under {@code /docs} (the Swagger UI
 *   page and its assets, HTML and scripts rather than API operations) only an error must be in the error
 *   shape.</li>
 *   <li><b>Refusals before routing</b> ({@code 414} URI too long, {@code 431} headers too large), checked
 *   first, are in the error shape on any path: the server refuses them before it knows the operation.</li>
 * </ol>
 * The error shape is the {@code Error} schema as {@code application/json} with the headers of
 * {@code components/responses/NotFound} (so {@code X-Request-Id}); the document's introduction promises it
 * for every error on every route.
 *
 * <p>Only answers from the server's own listeners are checked: the API port, and the metrics port when
 * {@code metrics.port} moves {@code /metrics} there (where {@code /metrics} is the one path). Answers of
 * S3 (S3Proxy) to the pre-signed URLs the server hands out, and of the plain-HTTP listener that redirects to
 * HTTPS, are other services' and pass unchecked.
 */
public final class ResponseContract {

  private static final String ERROR_SCHEMA = "#/components/schemas/Error";
  private static final String ERROR_RESPONSE = "#/components/responses/NotFound";
  private static final Set<Integer> BEFORE_ROUTING = Set.of(414, 431);
  private static final String METRICS_PATH = "/metrics";
  private static final String DOCS_PATH = "/docs";
  private static final Pattern TEMPLATE_PARAMETER = Pattern.compile("\\{[^/}]+}");
  /** The templates whose last parameter spans slashes, as the server's routes for them do (a file's key). */
  private static final Set<String> SPANNING = Set.of("/files/{key}", "/downloads/{key}");
  private static final JsonSchemaOptions OPTIONS = new JsonSchemaOptions().setDraft(Draft.DRAFT4)
    .setBaseUri("app:///openapi.yaml").setOutputFormat(OutputFormat.Basic);

  /** The document, compiled: read once per JVM. */
  private static final ResponseContract DOCUMENT = new ResponseContract();

  private final List<Route> routes;
  private final Expected errorShape;

  private ResponseContract() {
    Map<String, Object> document = OpenApiOperations.document();
    Schemas schemas = new Schemas(document);
    Map<String, Map<String, Operation>> byPath = new LinkedHashMap<>();
    for (Operation operation : OpenApiOperations.read()) {
      byPath.computeIfAbsent(operation.path(), path -> new LinkedHashMap<>()).put(operation.method(), operation);
    }
    List<Route> compiled = new ArrayList<>();
    byPath.forEach((path, operations) -> {
      Map<String, Map<String, Expected>> responses = new HashMap<>();
      operations.forEach((method, operation) -> {
        Map<String, Expected> byStatus = new HashMap<>();
        entries(operation.spec().get("responses")).forEach((status, response) ->
          byStatus.put(status, Expected.of(schemas, operation.name() + " " + status, response)));
        responses.put(method, byStatus);
      });
      compiled.add(new Route(path, responses));
    });
    compiled.sort(Comparator.comparingInt(Route::literalSegments).reversed());
    this.routes = List.copyOf(compiled);
    this.errorShape = Expected.of(schemas, "the error shape", Map.of("$ref", ERROR_RESPONSE));
  }

  /**
   * The client, with every answer it gets from one of these ports checked: an answer that breaks the
   * contract fails its request with an {@link AssertionError} saying how. Only the answer a request ends
   * with is seen, so the client should not follow redirects itself.
   *
   * @param apiPort     the server's API port
   * @param metricsPort its separate metrics port, or 0 when {@code /metrics} is on the API port
   */
  public static WebClient checking(WebClient client, int apiPort, int metricsPort) {
    ((WebClientInternal) client).addInterceptor(context -> {
      Object body = context.phase() == ClientPhase.DISPATCH_RESPONSE ? context.response().body() : null;
      if (context.phase() == ClientPhase.DISPATCH_RESPONSE && (body == null || body instanceof Buffer)) {
        String uri = context.clientResponse().request().absoluteURI();
        int port = URI.create(uri).getPort();
        if (port == apiPort || (metricsPort != 0 && port == metricsPort)) {
          @SuppressWarnings("unchecked")
          HttpResponse<Buffer> response = (HttpResponse<Buffer>) context.response();
          try {
            check(context.clientResponse().request().getMethod(), uri, response, port == apiPort ? null : METRICS_PATH::equals);
          } catch (AssertionError broken) {
            context.fail(broken);
            return;
          }
        }
      }
      context.next();
    });
    return client;
  }

  /** Checks an answer to a request of the API port. */
  public static void check(HttpMethod method, String uri, HttpResponse<Buffer> response) {
    check(method, uri, response, null);
  }

  /** Checks an answer read by hand from the API port (a request for a stream, which the checking client cannot read). */
  public static void check(HttpMethod method, String uri, int status, MultiMap headers, Buffer body) {
    DOCUMENT.verify(method, path(uri), status, headers, body, null);
  }

  /** Checks an answer the JDK's HTTP client got from the API port. */
  public static void check(java.net.http.HttpResponse<String> response) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    response.headers().map().forEach(headers::add);
    DOCUMENT.verify(HttpMethod.valueOf(response.request().method()), response.request().uri().getRawPath(),
      response.statusCode(), headers, response.body() == null ? Buffer.buffer() : Buffer.buffer(response.body()), null);
  }

  private static void check(HttpMethod method, String uri, HttpResponse<Buffer> response, Predicate<String> served) {
    DOCUMENT.verify(method, path(uri), response.statusCode(), response.headers(),
      response.body() == null ? Buffer.buffer() : response.body(), served);
  }

  /**
   * The path as the server's router matches it: dot segments resolved ({@code /files/../x} is {@code /x}) and
   * a trailing slash ignored ({@code /bookings/} is {@code /bookings}).
   */
  private static String routed(String path) {
    String resolved;
    try {
      resolved = URI.create(path).normalize().getRawPath();
    } catch (IllegalArgumentException notAUri) {
      resolved = path;
    }
    return resolved.length() > 1 && resolved.endsWith("/") ? resolved.substring(0, resolved.length() - 1) : resolved;
  }

  /** The path of an absolute or relative request URI, without its query. */
  private static String path(String uri) {
    String path = uri.startsWith("/") ? uri : URI.create(uri).getRawPath();
    int query = path.indexOf('?');
    return query < 0 ? path : path.substring(0, query);
  }

  /**
   * @param served the paths this listener serves, or null for the API port (every documented path)
   */
  private void verify(HttpMethod method, String path, int status, MultiMap headers, Buffer body, Predicate<String> served) {
    String request = method.name() + " " + path;
    List<String> problems = new ArrayList<>();
    Optional<Route> route = route(routed(path)).filter(found -> served == null || served.test(found.template()));
    if (BEFORE_ROUTING.contains(status)) {
      errorShape.verify(status, headers, body, problems);
    } else if (route.isEmpty()) {
      if (path.equals(DOCS_PATH) || path.startsWith(DOCS_PATH + "/")) {
        if (status >= 400) {
          errorShape.verify(status, headers, body, problems);
        }
      } else {
        expectError(404, "a path the document does not have", status, headers, body, problems);
      }
    } else {
      Map<String, Expected> responses = route.get().responses().get(method.name());
      if (responses != null) {
        Expected expected = responses.getOrDefault(String.valueOf(status),
          responses.getOrDefault(status / 100 + "XX", responses.get("default")));
        if (expected == null) {
          problems.add("status " + status + " is not documented for " + method.name() + " " + route.get().template()
            + " (documented: " + new TreeSet<>(responses.keySet()) + ")");
        } else {
          expected.verify(status, headers, body, problems);
        }
      } else if (method == HttpMethod.OPTIONS && status == 204) {
        if (body.length() > 0) {
          problems.add("a CORS preflight's 204 has a body");
        }
      } else if (method == HttpMethod.OPTIONS) {
        expectError(status, "a refused CORS preflight", status, headers, body, problems);
      } else {
        expectError(405, "a method " + route.get().template() + " does not list", status, headers, body, problems);
      }
    }
    if (!problems.isEmpty()) {
      throw new AssertionError("the answer " + status + " to " + request + " breaks openapi.yaml:\n  - "
        + String.join("\n  - ", problems) + "\n  body: " + abbreviated(body));
    }
  }

  private void expectError(int expectedStatus, String what, int status, MultiMap headers, Buffer body, List<String> problems) {
    if (status != expectedStatus || status < 400) {
      problems.add(what + " must be answered " + expectedStatus + " in the error shape");
    }
    errorShape.verify(status, headers, body, problems);
  }

  private Optional<Route> route(String path) {
    Optional<Route> exact = routes.stream().filter(route -> route.segmentwise().matcher(path).matches()).findFirst();
    return exact.isPresent() ? exact : routes.stream().filter(route -> route.spanning().matcher(path).matches()).findFirst();
  }

  private static String abbreviated(Buffer body) {
    String text = body.toString();
    return text.length() <= 2000 ? text : text.substring(0, 2000) + "…";
  }

  /** A path of the document and what each of its methods may answer, by documented status key. */
  private record Route(String template, Pattern segmentwise, Pattern spanning, Map<String, Map<String, Expected>> responses) {

    Route(String template, Map<String, Map<String, Expected>> responses) {
      this(template, pattern(template, false), pattern(template, SPANNING.contains(template)), responses);
    }

    int literalSegments() {
      // A segment with literal text beside its parameter ({token}.ics) is more literal than a bare parameter.
      return (int) Arrays.stream(template.split("/"))
        .filter(segment -> !segment.isEmpty() && !TEMPLATE_PARAMETER.matcher(segment).matches()).count();
    }

    private static Pattern pattern(String template, boolean lastSpans) {
      StringBuilder regex = new StringBuilder();
      Matcher parameter = TEMPLATE_PARAMETER.matcher(template);
      int at = 0;
      while (parameter.find()) {
        regex.append(Pattern.quote(template.substring(at, parameter.start())));
        regex.append(lastSpans && parameter.end() == template.length() ? "(.+)" : "([^/]+)");
        at = parameter.end();
      }
      regex.append(Pattern.quote(template.substring(at)));
      return Pattern.compile(regex.toString());
    }
  }

  /** One documented response: its media types (a compiled schema for JSON ones) and headers. */
  private record Expected(String name, Map<String, Validator> content, boolean errorBody, Map<String, Header> headers) {

    static Expected of(Schemas schemas, String name, Object response) {
      Map<String, Object> resolved = schemas.follow(OpenApiOperations.map(response));
      Map<String, Validator> content = new LinkedHashMap<>();
      boolean errorBody = false;
      for (Map.Entry<String, Object> media : entries(resolved.get("content")).entrySet()) {
        Map<String, Object> schema = OpenApiOperations.map(OpenApiOperations.map(media.getValue()).get("schema"));
        boolean json = isJson(media.getKey());
        content.put(media.getKey().toLowerCase(Locale.ROOT), json && schema != null ? schemas.validator(schema) : null);
        errorBody |= json && schema != null && ERROR_SCHEMA.equals(schema.get("$ref"));
      }
      Map<String, Header> headers = new LinkedHashMap<>();
      entries(resolved.get("headers")).forEach((header, spec) -> {
        if (!header.equalsIgnoreCase("Content-Type")) {
          Map<String, Object> definition = schemas.follow(OpenApiOperations.map(spec));
          Map<String, Object> schema = OpenApiOperations.map(definition.get("schema"));
          headers.put(header, new Header(Boolean.TRUE.equals(definition.get("required")),
            schema == null ? null : schemas.validator(schema), schema == null ? null : schemas.type(schema)));
        }
      });
      return new Expected(name, Collections.unmodifiableMap(content), errorBody, Map.copyOf(headers));
    }

    void verify(int status, MultiMap responseHeaders, Buffer body, List<String> problems) {
      headers.forEach((header, spec) -> {
        String value = responseHeaders.get(header);
        if (value == null) {
          if (spec.required()) {
            problems.add("the header " + header + " is missing (" + name + " requires it)");
          }
        } else if (spec.schema() != null) {
          invalid(spec.schema(), spec.typed(value)).ifPresent(why -> problems.add("the header " + header + ": " + value + " " + why));
        }
      });
      String contentType = responseHeaders.get("Content-Type");
      if (content.isEmpty()) {
        if (body.length() > 0) {
          problems.add(name + " documents no body, but one came (" + contentType + ")");
        }
        return;
      }
      if (contentType == null) {
        problems.add("no Content-Type; " + name + " documents " + content.keySet());
        return;
      }
      String mediaType = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
      Optional<String> documented = content.containsKey(mediaType) ? Optional.of(mediaType)
        : content.keySet().stream().filter(range -> matches(range, mediaType)).findFirst();
      if (documented.isEmpty()) {
        problems.add("Content-Type " + contentType + " is not among " + content.keySet() + " documented for " + name);
        return;
      }
      Validator schema = content.get(documented.get());
      if (schema == null) {
        return;
      }
      Object json;
      try {
        json = Json.decodeValue(body);
      } catch (DecodeException notJson) {
        problems.add("the body is not JSON: " + notJson.getMessage());
        return;
      }
      invalid(schema, json).ifPresent(why -> problems.add("the body does not match the schema of " + name + ": " + why));
      if (errorBody && json instanceof JsonObject error && !Integer.valueOf(status).equals(error.getValue("status_code"))) {
        problems.add("status_code " + error.getValue("status_code") + " is not the response's status " + status);
      }
    }

    private static boolean matches(String range, String mediaType) {
      return range.equals("*/*") || range.equals(mediaType)
        || (range.endsWith("/*") && mediaType.startsWith(range.substring(0, range.length() - 1)));
    }

    private static boolean isJson(String mediaType) {
      String type = mediaType.toLowerCase(Locale.ROOT);
      return type.equals("application/json") || type.endsWith("+json");
    }
  }

  /** A documented response header; its value is text on the wire, read as the type its schema gives. */
  private record Header(boolean required, Validator schema, String type) {

    Object typed(String value) {
      try {
        return switch (type == null ? "string" : type) {
          case "integer" -> Long.parseLong(value.strip());
          case "number" -> new BigDecimal(value.strip());
          case "boolean" -> value.equals("true") ? Boolean.TRUE : value.equals("false") ? Boolean.FALSE : value;
          default -> value;
        };
      } catch (NumberFormatException notANumber) {
        return value; // for the schema to refuse by type
      }
    }
  }

  private static Map<String, Object> entries(Object value) {
    Map<String, Object> map = OpenApiOperations.map(value);
    return map == null ? Map.of() : map;
  }

  private static Optional<String> invalid(Validator schema, Object value) {
    OutputUnit result = schema.validate(value);
    if (Boolean.TRUE.equals(result.getValid())) {
      return Optional.empty();
    }
    List<OutputUnit> errors = result.getErrors() == null || result.getErrors().isEmpty() ? List.of(result) : result.getErrors();
    return Optional.of(errors.stream()
      .map(error -> (error.getInstanceLocation() == null || error.getInstanceLocation().isEmpty() ? "" : error.getInstanceLocation() + ": ")
        + error.getError())
      .distinct().collect(Collectors.joining("; ")));
  }

  /**
   * The document's schemas as the checks read them: every {@code $ref} inlined, so each compiled schema stands
   * alone; OpenAPI 3.0's {@code nullable} as JSON Schema's {@code null} type; objects closed.
   */
  private static final class Schemas {

    private final Map<String, Object> document;
    private final Map<String, JsonObject> inlined = new HashMap<>();

    Schemas(Map<String, Object> document) {
      this.document = document;
    }

    /** The schema's {@code type}, its {@code $ref}s followed. */
    String type(Map<String, Object> schema) {
      return follow(schema).get("type") instanceof String type ? type : null;
    }

    Validator validator(Map<String, Object> schema) {
      // A copy of its own: the validator marks up the schema it is given.
      return Validator.create(JsonSchema.of(inline(schema, new HashSet<>()).copy()), OPTIONS);
    }

    /** The object a chain of {@code $ref}s (a response, a header) ends at. */
    Map<String, Object> follow(Map<String, Object> object) {
      Map<String, Object> target = object;
      Set<String> seen = new HashSet<>();
      while (target.get("$ref") instanceof String pointer) {
        if (!seen.add(pointer)) {
          throw new IllegalStateException("openapi.yaml's " + pointer + " refers to itself");
        }
        target = pointed(pointer);
      }
      return target;
    }

    private Map<String, Object> pointed(String pointer) {
      return OpenApiOperations.pointed(document, pointer);
    }

    private JsonObject inline(Map<String, Object> schema, Set<String> within) {
      if (schema.get("$ref") instanceof String pointer) {
        JsonObject done = inlined.get(pointer);
        if (done != null) {
          return done;
        }
        if (!within.add(pointer)) {
          throw new IllegalStateException("openapi.yaml's schema " + pointer + " contains itself; inline it by hand");
        }
        JsonObject resolved = inline(pointed(pointer), within);
        within.remove(pointer);
        inlined.put(pointer, resolved);
        return resolved;
      }
      JsonObject result = new JsonObject();
      schema.forEach((keyword, value) -> {
        switch (keyword) {
          case "example", "examples", "description", "nullable" -> {
          }
          case "properties" -> {
            JsonObject properties = new JsonObject();
            entries(value).forEach((name, property) ->
              properties.put(name, inline(OpenApiOperations.map(property), within)));
            result.put(keyword, properties);
          }
          case "items", "not", "additionalProperties" -> result.put(keyword,
            value instanceof Map<?, ?> ? inline(OpenApiOperations.map(value), within) : value);
          case "allOf", "anyOf", "oneOf" -> result.put(keyword, new JsonArray(OpenApiOperations.list(value).stream()
            .map(branch -> (Object) inline(OpenApiOperations.map(branch), within)).collect(Collectors.toList())));
          default -> result.put(keyword, value);
        }
      });
      if (Boolean.TRUE.equals(schema.get("nullable"))) {
        if (result.getValue("type") instanceof String type) {
          result.put("type", new JsonArray().add(type).add("null"));
        }
        if (result.containsKey("enum")) {
          result.put("enum", result.getJsonArray("enum").copy().addNull());
        }
      }
      if ("object".equals(result.getValue("type")) && !result.containsKey("additionalProperties")) {
        result.put("additionalProperties", false);
      }
      return result;
    }
  }
}
