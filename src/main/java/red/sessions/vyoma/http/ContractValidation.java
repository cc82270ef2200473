package red.sessions.vyoma.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaValidationException;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.Location;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.contract.RequestBody;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidationContext;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.openapi.validation.transformer.FormTransformer;
import io.vertx.openapi.validation.transformer.ParameterTransformer;
import io.vertx.openapi.validation.transformer.SimpleTransformer;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.Tag;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Checks each API request against its operation in {@code openapi.yaml} (parameters and body schema) before
 * it reaches a domain, so the published contract is the one enforced. Everything is compiled when the HTTP
 * verticle starts, one schema validator per parameter and body, and a request is checked on the event loop
 * with the body as the route already parsed it. A request that does not fit is 400 in the error shape,
 * naming what is wrong, in vertx-openapi's words; the domains still check their own rules. Text no
 * PostgreSQL column can hold is refused first, for every operation alike ({@link StorableText}).
 */
public final class ContractValidation {

  /** The one documented path that is not a whole-segment template, so not for vertx-openapi. */
  public static final String SECRET_FEED_PATH = "/calendar-feeds/{token}.ics";
  private static final Pattern ROUTE_PARAMETER = Pattern.compile(":([A-Za-z_][A-Za-z0-9_]*)");
  private static final ParameterTransformer FORM = new FormTransformer();
  private static final ParameterTransformer SIMPLE = new SimpleTransformer();
  private static final Set<String> DESCRIPTIVE = Set.of("description", "example", "examples", "title");

  private final Map<String, OperationCheck> operations;

  private ContractValidation(Map<String, OperationCheck> operations) {
    this.operations = operations;
  }

  public static Future<ContractValidation> load(Vertx vertx) {
    return contract(vertx).map(ContractValidation::compile);
  }

  /** The requests of {@code openapi.yaml} as vertx-openapi reads them ({@link #forValidation}). */
  static Future<OpenAPIContract> contract(Vertx vertx) {
    return vertx.fileSystem().readFile("openapi.yaml")
      .compose(yaml -> vertx.executeBlocking(() -> forValidation(yaml.toString())))
      .compose(document -> OpenAPIContract.from(vertx, document));
  }

  private static ContractValidation compile(OpenAPIContract contract) {
    SchemaRepository schemas = contract.getSchemaRepository();
    Map<String, OperationCheck> operations = new HashMap<>();
    for (Operation operation : contract.operations()) {
      List<ParameterCheck> parameters = operation.getParameters().stream()
        .map(parameter -> new ParameterCheck(parameter, schemas.validator(parameter.getSchema()),
          PlainString.of(parameter.getSchema())))
        .toList();
      operations.put(key(operation.getHttpMethod(), operation.getOpenAPIPath()),
        new OperationCheck(parameters, bodyCheck(operation.getRequestBody(), schemas), operation.getParameters().stream()
          .filter(parameter -> parameter.getIn() == Location.HEADER).map(Parameter::getName).toList()));
    }
    return new ContractValidation(operations);
  }

  private static BodyCheck bodyCheck(RequestBody body, SchemaRepository schemas) {
    if (body == null) {
      return null;
    }
    MediaType json = body.getContent().get("application/json");
    if (json == null || json.getSchema() == null) {
      throw new IllegalStateException("the server only takes JSON request bodies; openapi.yaml names " + body.getContent().keySet());
    }
    return new BodyCheck(body.isRequired(), schemas.validator(json.getSchema()), PlainObject.of(json.getSchema()));
  }

  /**
   * The check of the operation at this method and OpenAPI path ({@code /bookings/{booking_id}}); a route
   * the document does not describe has none, which fails startup rather than a request.
   */
  public OperationCheck operation(HttpMethod method, String openApiPath) {
    OperationCheck check = operations.get(key(method, openApiPath));
    if (check == null) {
      throw new IllegalStateException(method + " " + openApiPath + " is not in openapi.yaml");
    }
    return check;
  }

  /** A route's path as OpenAPI writes it: {@code /bookings/:booking_id} is {@code /bookings/{booking_id}}. */
  public static String openApiPath(String routePath) {
    return ROUTE_PARAMETER.matcher(routePath).replaceAll("{$1}");
  }

  private static String key(HttpMethod method, String path) {
    return method.name() + " " + path;
  }

  /**
   * One operation's parameters and body, checked in the order the document lists them.
   *
   * @param headers the headers it reads, whose text is checked with the rest
   */
  public record OperationCheck(List<ParameterCheck> parameters, BodyCheck body, List<String> headers) {

    /** For a route no OpenAPI path template can match: only the text of its path and query to check. */
    public static final OperationCheck NONE = new OperationCheck(List.of(), null, List.of());

    /** Fails with a 400 naming the first part of the request that does not fit. */
    public void check(RoutingContext ctx, JsonObject parsedBody) {
      StorableText.check(ctx, headers, parsedBody);
      for (ParameterCheck parameter : parameters) {
        parameter.check(ctx);
      }
      if (body != null) {
        body.check(parsedBody);
      }
    }
  }

  /**
   * @param plain the schema as a plain string's rule, when it is one ({@link PlainString}): a value it takes
   *              needs no validator
   */
  private record ParameterCheck(Parameter parameter, Validator schema, Optional<PlainString> plain) {

    void check(RoutingContext ctx) {
      String raw = raw(ctx);
      if (raw == null) {
        if (parameter.isRequired()) {
          throw invalid(ValidatorException.createMissingRequiredParameter(parameter));
        }
        return;
      }
      if (plain.isPresent() && plain.get().takes(raw)) {
        return;
      }
      Object value;
      try {
        value = typed(raw);
      } catch (ValidatorException e) {
        throw invalid(e);
      }
      OutputUnit result = schema.validate(value);
      try {
        result.checkValidity();
      } catch (JsonSchemaValidationException e) {
        throw invalid(SchemaValidationException.createInvalidValueParameter(parameter, result, e));
      }
    }

    /** The value as the client sent it, decoded once (path and query values by the router). */
    private String raw(RoutingContext ctx) {
      Location in = parameter.getIn();
      return switch (in) {
        case PATH -> ctx.pathParam(parameter.getName());
        case QUERY -> ctx.queryParams().get(parameter.getName());
        case HEADER -> ctx.request().getHeader(parameter.getName());
        case COOKIE -> ctx.request().getCookie(parameter.getName()) == null ? null
          : ctx.request().getCookie(parameter.getName()).getValue();
      };
    }

    /**
     * The value as its schema reads it: a string stays as it came; a number or boolean is converted when it
     * is one (and otherwise left as text, for the schema to refuse by type); arrays and objects are split by
     * the parameter's style, as vertx-openapi does.
     */
    private Object typed(String raw) {
      if (parameter.getSchemaType() == null) {
        return raw;
      }
      return switch (parameter.getSchemaType()) {
        case STRING -> raw;
        case INTEGER -> wholeNumber(raw);
        case NUMBER -> number(raw);
        case BOOLEAN -> "true".equals(raw) ? Boolean.TRUE : "false".equals(raw) ? Boolean.FALSE : raw;
        default -> (parameter.getIn() == Location.QUERY ? FORM : SIMPLE).transform(parameter, raw);
      };
    }

    private static Object wholeNumber(String raw) {
      try {
        return Long.parseLong(raw);
      } catch (NumberFormatException notWhole) {
        return number(raw);
      }
    }

    private static Object number(String raw) {
      try {
        return new BigDecimal(raw);
      } catch (NumberFormatException notANumber) {
        return raw;
      }
    }
  }

  /**
   * A schema simple enough to judge without the validator: a string of some length, a UUID or a string matching a
   * pattern ({@link PlainString}), or an object of such properties ({@link PlainObject}): the ids, names and times
   * most requests carry, and the bodies of a booking, a move, a slot, a session and a meeting. The schema validator
   * interprets its schema and builds a result for every value it judges, compiling a pattern each time, which the
   * busiest requests paid on each call. A value a plain rule takes is valid by the schema; any other value still goes
   * to the validator, which judges it and words the 400. Any other keyword (an enum, a number, an array, a
   * combinator, another format) leaves the schema to the validator alone.
   */
  sealed interface Plain permits PlainString, PlainObject {

    /** Whether the value is valid by the schema; false when it is not, or when the validator is to say. */
    boolean takes(Object value);

    static Optional<? extends Plain> of(JsonSchema schema) {
      Object type = schema.get("type");
      return "string".equals(type) ? PlainString.of(schema) : "object".equals(type) ? PlainObject.of(schema) : Optional.empty();
    }
  }

  /** The keywords of a schema that constrain a value: not its annotations, descriptions and examples. */
  private static Set<String> keywords(JsonSchema schema) {
    return schema.fieldNames().stream()
      .filter(JsonSchema.EXCLUDE_ANNOTATIONS).filter(keyword -> !DESCRIPTIVE.contains(keyword))
      .collect(Collectors.toSet());
  }

  /**
   * A string of some length, a UUID, or one matching a pattern (found in it, as the validator does).
   *
   * @param minLength the fewest characters (Unicode code points, as JSON Schema counts them)
   * @param maxLength the most characters
   * @param uuid      whether the value must be a UUID ({@code format: uuid}); only its lowercase form is taken here
   * @param pattern   what the value must match, or null
   */
  record PlainString(int minLength, int maxLength, boolean uuid, Pattern pattern) implements Plain {

    static Optional<PlainString> of(JsonSchema schema) {
      if (!"string".equals(schema.get("type"))
        || !Set.of("type", "minLength", "maxLength", "format", "pattern").containsAll(keywords(schema))) {
        return Optional.empty();
      }
      Object format = schema.get("format");
      if (format != null && !"uuid".equals(format)) {
        return Optional.empty();
      }
      String pattern = schema.get("pattern");
      return Optional.of(new PlainString(schema.<Number>get("minLength", 0).intValue(),
        schema.<Number>get("maxLength", Integer.MAX_VALUE).intValue(), format != null,
        pattern == null ? null : Pattern.compile(pattern)));
    }

    @Override
    public boolean takes(Object value) {
      if (!(value instanceof String text)) {
        return false;
      }
      int length = text.codePointCount(0, text.length());
      return length >= minLength && length <= maxLength && (!uuid || lowercaseUuid(text))
        && (pattern == null || pattern.matcher(text).find());
    }

    private static boolean lowercaseUuid(String value) {
      if (value.length() != 36) {
        return false;
      }
      for (int i = 0; i < 36; i++) {
        char c = value.charAt(i);
        boolean ok = i == 8 || i == 13 || i == 18 || i == 23 ? c == '-' : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
        if (!ok) {
          return false;
        }
      }
      return true;
    }
  }

  /**
   * An object whose properties are plain strings (or plain objects), some required; other properties allowed, or
   * not ({@code additionalProperties: false}).
   *
   * @param properties the rule of each property the schema names
   * @param required   the properties it must have
   * @param closed     whether a property the schema does not name is refused
   */
  record PlainObject(Map<String, Plain> properties, Set<String> required, boolean closed) implements Plain {

    static Optional<PlainObject> of(JsonSchema schema) {
      if (!"object".equals(schema.get("type"))
        || !Set.of("type", "properties", "required", "additionalProperties").containsAll(keywords(schema))) {
        return Optional.empty();
      }
      Object additional = schema.get("additionalProperties");
      if (additional != null && !Boolean.FALSE.equals(additional)) {
        return Optional.empty();
      }
      Map<String, Plain> properties = new HashMap<>();
      JsonObject named = schema.get("properties", new JsonObject());
      for (String name : named.fieldNames()) {
        if (!(named.getValue(name) instanceof JsonObject property)) {
          return Optional.empty();
        }
        Optional<? extends Plain> rule = Plain.of(JsonSchema.of(property));
        if (rule.isEmpty()) {
          return Optional.empty();
        }
        properties.put(name, rule.get());
      }
      JsonArray required = schema.get("required", new JsonArray());
      return Optional.of(new PlainObject(Map.copyOf(properties),
        required.stream().map(String.class::cast).collect(Collectors.toUnmodifiableSet()), additional != null));
    }

    @Override
    public boolean takes(Object value) {
      if (!(value instanceof JsonObject object)) {
        return false;
      }
      for (String name : required) {
        if (!object.containsKey(name)) {
          return false;
        }
      }
      for (Map.Entry<String, Object> property : object) {
        Plain rule = properties.get(property.getKey());
        if (rule == null ? closed : !rule.takes(property.getValue())) {
          return false;
        }
      }
      return true;
    }
  }

  /** @param plain the schema as a plain object's rule, when it is one ({@link PlainObject}) */
  private record BodyCheck(boolean required, Validator schema, Optional<PlainObject> plain) {

    void check(JsonObject body) {
      if (body == null) {
        if (required) {
          throw new HttpException(400, "The related request does not contain the required body.");
        }
        return;
      }
      if (plain.isPresent() && plain.get().takes(body)) {
        return;
      }
      OutputUnit result = schema.validate(body);
      try {
        result.checkValidity();
      } catch (JsonSchemaValidationException e) {
        throw invalid(SchemaValidationException.createInvalidValueBody(result, ValidationContext.REQUEST, e));
      }
    }
  }

  private static HttpException invalid(ValidatorException e) {
    return new HttpException(400, e.getMessage());
  }

  /**
   * The requests of the document as the validator reads them. Its first server is relative ({@code /},
   * so the docs page calls the server that serves it), which the contract parser cannot read; every server
   * the file lists has the base path {@code /}, so one absolute URL with that base path reads the same.
   * Responses are not validated, and the parser refuses some of their media types (YAML, files), so they
   * are left out; so is the raw upload, which never reaches a domain.
   */
  private static JsonObject forValidation(String yaml) {
    JsonObject document = new JsonObject(new Yaml(new TimestampsAsText()).<Map<String, Object>>load(yaml));
    document.put("servers", new JsonArray().add(new JsonObject().put("url", "http://localhost/")));
    JsonObject paths = document.getJsonObject("paths");
    paths.getJsonObject("/files/{key}").remove("put");
    // vertx-openapi takes a path parameter only as a whole segment, and a feed's address is <token>.ics, as calendar
    // apps expect it: its route checks its one parameter itself (a token's shape), as getMatching's routes do.
    paths.remove(SECRET_FEED_PATH);
    paths.forEach(path -> ((JsonObject) path.getValue()).forEach(item -> {
      if (item.getValue() instanceof JsonObject operation && operation.containsKey("responses")) {
        operation.put("responses", new JsonObject().put("default", new JsonObject().put("description", "any")));
      }
    }));
    return document;
  }

  /** YAML timestamps (in examples) stay text, as JSON has no time type. */
  private static final class TimestampsAsText extends SafeConstructor {
    TimestampsAsText() {
      super(new LoaderOptions());
      yamlConstructors.put(Tag.TIMESTAMP, yamlConstructors.get(Tag.STR));
    }
  }
}
