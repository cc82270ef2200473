package red.sessions.vyoma.support;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The operations of {@code openapi.yaml} as the document states them, for the tests that hold the
 * server to its document: which routes exist ({@code OpenApiContractTest}) and which need a token
 * ({@code AuthSweepTest}).
 */
public final class OpenApiOperations {

  private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
  private static final String BEARER = "bearerAuth";

  private OpenApiOperations() {
  }

  /**
   * One operation of the document.
   *
   * @param parameters those of its path item and its own, {@code $ref}s resolved
   * @param open       its security (its own, or else the document's) is empty: no credential is asked for
   */
  public record Operation(String method, String path, Map<String, Object> spec, List<Map<String, Object>> parameters,
                          boolean open) {

    /** "METHOD /path", as the route table and the failures name it. */
    public String name() {
      return method + " " + path;
    }

    public boolean hasRequestBody() {
      return spec.containsKey("requestBody");
    }

    /** The documented response codes: {@code 200}, {@code 4XX}, {@code default}. */
    public Set<String> responses() {
      Map<String, Object> responses = map(spec.get("responses"));
      return responses == null ? Set.of() : responses.keySet().stream().map(String::valueOf).collect(Collectors.toSet());
    }

    public boolean documents(int status) {
      Set<String> responses = responses();
      return responses.contains(String.valueOf(status)) || responses.contains(status / 100 + "XX")
        || responses.contains("default");
    }

    @Override
    public String toString() {
      return name();
    }
  }

  /**
   * Every operation, ordered by path then method.
   *
   * @throws IllegalStateException for an operation whose security is neither empty nor the bearer token
   *                               alone: the server has no other scheme, and an optional one ({@code {}}
   *                               beside {@code bearerAuth}) is what these tests exist to rule out
   */
  public static List<Operation> read() {
    Map<String, Object> document = document();
    Map<String, Object> paths = map(document.get("paths"));
    if (paths == null) {
      throw new IllegalStateException("openapi.yaml has no paths");
    }
    List<Operation> operations = new ArrayList<>();
    paths.forEach((path, item) -> {
      Map<String, Object> pathItem = map(item);
      pathItem.forEach((key, value) -> {
        if (HTTP_METHODS.contains(key)) {
          Map<String, Object> spec = map(value);
          List<Map<String, Object>> parameters = Stream.concat(list(pathItem.get("parameters")).stream(),
            list(spec.get("parameters")).stream()).map(parameter -> resolve(document, map(parameter))).toList();
          String method = key.toUpperCase(Locale.ROOT);
          Object security = spec.containsKey("security") ? spec.get("security") : document.get("security");
          operations.add(new Operation(method, path, spec, parameters, isOpen(method + " " + path, list(security))));
        }
      });
    });
    operations.sort(Comparator.comparing(Operation::path).thenComparing(Operation::method));
    return operations;
  }

  private static boolean isOpen(String operation, List<Object> security) {
    if (security.isEmpty()) {
      return true;
    }
    boolean bearer = security.stream().allMatch(requirement -> {
      Map<String, Object> schemes = map(requirement);
      return schemes != null && schemes.containsKey(BEARER);
    });
    if (!bearer) {
      throw new IllegalStateException(operation + " is documented with security " + security
        + "; the server has only open routes (security: []) and routes that require " + BEARER);
    }
    return false;
  }

  /**
   * The schema of the operation's JSON request body, with {@code $ref}s resolved at its top and in its
   * {@code properties}; empty when it takes none.
   */
  public static Map<String, Object> jsonBodySchema(Operation operation) {
    Map<String, Object> document = document();
    Map<String, Object> body = map(operation.spec().get("requestBody"));
    Map<String, Object> content = body == null ? null : map(map(body.get("content")).get("application/json"));
    if (content == null) {
      return Map.of();
    }
    Map<String, Object> schema = new LinkedHashMap<>(resolve(document, map(content.get("schema"))));
    Map<String, Object> properties = new LinkedHashMap<>();
    Map<String, Object> declared = map(schema.get("properties"));
    if (declared != null) {
      declared.forEach((name, property) -> properties.put(name, resolve(document, map(property))));
    }
    schema.put("properties", properties);
    return schema;
  }

  /** The object a local {@code $ref} ({@code #/components/parameters/BookingId}) names, or the object itself. */
  private static Map<String, Object> resolve(Map<String, Object> document, Map<String, Object> object) {
    return object.get("$ref") instanceof String pointer ? pointed(document, pointer) : object;
  }

  /** The object a local JSON pointer ({@code #/components/schemas/Error}) names in the document. */
  static Map<String, Object> pointed(Map<String, Object> document, String pointer) {
    if (!pointer.startsWith("#/")) {
      throw new IllegalStateException("openapi.yaml refers outside itself: " + pointer);
    }
    Map<String, Object> target = document;
    for (String name : pointer.substring(2).split("/")) {
      target = map(target.get(name.replace("~1", "/").replace("~0", "~")));
      if (target == null) {
        throw new IllegalStateException("openapi.yaml refers to " + pointer + ", which it does not have");
      }
    }
    return target;
  }

  /** The whole document, as YAML reads it. */
  static Map<String, Object> document() {
    try (InputStream in = OpenApiOperations.class.getResourceAsStream("/openapi.yaml")) {
      if (in == null) {
        throw new IllegalStateException("openapi.yaml is not on the classpath");
      }
      return new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The value as a YAML mapping, or null when it is not one. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value) {
    return value instanceof Map<?, ?> map ? (Map<String, Object>) map : null;
  }

  /** The value as a YAML sequence, or empty when it is not one. */
  @SuppressWarnings("unchecked")
  static List<Object> list(Object value) {
    return value instanceof List<?> list ? (List<Object>) list : List.of();
  }
}
