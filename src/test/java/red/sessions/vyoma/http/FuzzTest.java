package red.sessions.vyoma.http;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import red.sessions.vyoma.support.LessonRequests;
import red.sessions.vyoma.support.LessonRequests.Answer;
import red.sessions.vyoma.support.LessonRequests.Request;
import red.sessions.vyoma.support.OpenApiOperations;
import red.sessions.vyoma.support.OpenApiOperations.Operation;
import red.sessions.vyoma.support.Samples;
import red.sessions.vyoma.support.ServerTest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static red.sessions.vyoma.support.Api.assertError;
import static red.sessions.vyoma.support.Api.assertErrorBody;

/**
 * Generated requests to every operation of {@code openapi.yaml} are never a 5xx, a 4xx is always in the error
 * shape, and the world the lesson's two parties see ({@link LessonRequests#world()}) is as it was after each
 * operation's requests. Each request starts from the operation's valid request of a real lesson and gets one
 * to three changes drawn from a fixed seed ({@link Samples}): a body value at any depth replaced by a value of
 * any type (odd text with NUL, controls and emoji, very long text, huge and tiny numbers, nested arrays, null),
 * a body field removed or an extra one added, a parameter or header given odd text or dropped, an extra query
 * parameter or header. Where the HTTP client will not send a header (controls, non-ASCII) it goes over a plain
 * socket; CR and LF are left out of header values, since they end the header rather than being in it.
 *
 * <p>When a 2xx is right: a safe operation (GET) may answer 2xx to anything, since it changes nothing and the
 * world check says so. Every request to any other operation also carries one change the contract refuses for
 * certain (a NUL in a value, a required field or parameter left out, a top-level field of a type its schema
 * does not allow, a body that is not an object), so a 2xx there is a finding: an accepted invalid request.
 * Those requests therefore test the gate in front of the domains and never change the world; what gets past
 * the gate is for {@code HostileInputTest} (one hostile value in an otherwise valid request) and the domains'
 * tests.
 *
 * <p>{@value #REQUESTS_PER_OPERATION} requests per operation, about 750 in all, with the {@code ResponseContract}
 * check of every answer the client receives.
 */
class FuzzTest extends ServerTest {

  private static final int REQUESTS_PER_OPERATION = 28;
  private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");
  /** Values of each JSON type, for a field whose schema allows none of some. */
  private static final List<Object> OF_EACH_TYPE = List.of("text", 7, 1.5, true, new JsonObject(), new JsonArray());
  private static final List<String> NOT_OBJECTS = List.of("[]", "[{}]", "\"text\"", "42", "true");

  private static LessonRequests lesson;

  @BeforeAll
  static void aLessonWithAMeetingAndAFile() {
    lesson = new LessonRequests(server);
  }

  /** A generated request: what was changed, the request, and its raw body (none when null). */
  private record Fuzzed(List<String> changes, Request request, String rawBody) {
  }

  @Test
  void generatedRequestsToEveryOperationAreNever5xxAndRefusedOnesChangeNothing() {
    Map<String, Request> valid = lesson.valid();
    String student = server.token(lesson.lesson().studentId());
    Random random = Samples.random();
    List<String> failures = new ArrayList<>();
    int sent = 0;
    for (Operation operation : OpenApiOperations.read()) {
      Request base = valid.get(operation.name());
      if (base == null) {
        if (!operation.parameters().isEmpty() || operation.hasRequestBody()) {
          fail(operation.name() + " takes input: give it a valid request in LessonRequests.valid() so it is fuzzed");
        }
        base = Request.of(operation.open() ? null : student);
      }
      Map<String, Object> schema = OpenApiOperations.jsonBodySchema(operation);
      JsonObject before = lesson.world();
      for (int i = 0; i < REQUESTS_PER_OPERATION; i++) {
        Fuzzed fuzzed = fuzz(operation, base, schema, random);
        sent++;
        Answer answer;
        try {
          answer = lesson.send(operation.method(), LessonRequests.uri(operation, fuzzed.request()), fuzzed.request(),
            fuzzed.rawBody());
        } catch (AssertionError | RuntimeException broken) {
          failures.add(operation.name() + " with " + fuzzed.changes() + ": " + broken.getMessage());
          continue;
        }
        String problem = problem(operation, answer);
        if (problem != null) {
          failures.add(operation.name() + " with " + fuzzed.changes() + ": " + problem + ": " + answer.status() + " "
            + abbreviated(answer.body()));
        }
      }
      JsonObject after = lesson.world();
      if (!before.equals(after)) {
        failures.add(operation.name() + " changed the world from " + before + " to " + after);
      }
    }
    assertTrue(sent >= 500, "only " + sent + " requests sent");
    int total = sent;
    assertEquals(List.of(), failures, () -> failures.size() + " of " + total + " generated requests failed");
  }

  /** What is wrong with the answer, or null when nothing is. */
  private static String problem(Operation operation, Answer answer) {
    if (answer.status() >= 500) {
      return "a server error";
    }
    if (answer.status() < 400) {
      return SAFE.contains(operation.method()) ? null : "accepted";
    }
    try {
      if (answer.response() != null) {
        assertError(answer.response(), answer.status());
      } else {
        assertErrorBody(new JsonObject(answer.body()), answer.status());
      }
      return null;
    } catch (AssertionError | DecodeException notTheErrorShape) {
      return "not the error shape (" + notTheErrorShape.getMessage() + ")";
    }
  }

  private static Fuzzed fuzz(Operation operation, Request base, Map<String, Object> schema, Random random) {
    Request request = base.copy();
    JsonObject body = request.body();
    List<String> changes = new ArrayList<>();
    int count = 1 + random.nextInt(3);
    for (int i = 0; i < count; i++) {
      changes.add(change(request, body, random));
    }
    String rawBody = body == null ? null : body.encode();
    if (!SAFE.contains(operation.method())) {
      String notAnObject = NOT_OBJECTS.get(random.nextInt(NOT_OBJECTS.size()));
      String refused = refusedChange(operation, request, body, schema, random, notAnObject);
      changes.add("refused: " + refused);
      rawBody = refused.startsWith("body ") ? notAnObject : body == null ? null : body.encode();
    }
    return new Fuzzed(changes, request, rawBody);
  }

  /** Makes one change of any kind to the request, and says what it was. */
  private static String change(Request request, JsonObject body, Random random) {
    int kind = random.nextInt(body == null ? 3 : 6);
    switch (kind) {
      case 0 -> {
        Map<String, String> part = parameterPart(request, random);
        List<String> names = List.copyOf(part.keySet());
        if (names.isEmpty()) {
          return change(request, body, random);
        }
        String name = names.get(random.nextInt(names.size()));
        String value = parameterText(random);
        part.put(name, part == request.headers() ? headerSafe(value) : value);
        return name + " = " + visible(value);
      }
      case 1 -> {
        List<String> names = new ArrayList<>(request.query().keySet());
        names.addAll(request.headers().keySet());
        if (names.isEmpty()) {
          return change(request, body, random);
        }
        String name = names.get(random.nextInt(names.size()));
        request.query().remove(name);
        request.headers().remove(name);
        return "without " + name;
      }
      case 2 -> {
        String value = parameterText(random);
        if (random.nextBoolean()) {
          String name = Samples.oddText(random);
          request.query(name, value);
          return "extra query parameter " + visible(name) + " = " + visible(value);
        }
        request.header("X-Fuzz-" + random.nextInt(1000), headerSafe(value));
        return "extra header = " + visible(value);
      }
      default -> {
        return bodyChange(body, kind, random);
      }
    }
  }

  /** Replaces a body value, removes a field, or adds one, somewhere in the body. */
  private static String bodyChange(JsonObject body, int kind, Random random) {
    List<Object> containers = new ArrayList<>();
    collect(body, containers);
    Object container = containers.get(random.nextInt(containers.size()));
    Object value = Samples.jsonValue(random);
    if (container instanceof JsonArray array) {
      if (array.isEmpty()) {
        array.add(value);
        return "an array given " + abbreviated(String.valueOf(value));
      }
      int index = random.nextInt(array.size());
      array.set(index, value);
      return "[" + index + "] = " + abbreviated(String.valueOf(value));
    }
    JsonObject object = (JsonObject) container;
    List<String> fields = List.copyOf(object.fieldNames());
    if (kind == 3 || fields.isEmpty()) {
      String name = Samples.oddText(random);
      object.put(name, value);
      return "extra field " + visible(abbreviated(name)) + " = " + abbreviated(String.valueOf(value));
    }
    String field = fields.get(random.nextInt(fields.size()));
    if (kind == 4) {
      object.remove(field);
      return "without field " + field;
    }
    object.put(field, value);
    return field + " = " + abbreviated(String.valueOf(value));
  }

  private static void collect(Object node, List<Object> containers) {
    if (node instanceof JsonObject object) {
      containers.add(object);
      object.forEach(field -> collect(field.getValue(), containers));
    } else if (node instanceof JsonArray array) {
      containers.add(array);
      array.forEach(element -> collect(element, containers));
    }
  }

  /**
   * Makes one change the contract refuses for certain, and says what it was; a description starting with
   * "body " means the body is to be sent as {@code notAnObject} instead.
   */
  private static String refusedChange(Operation operation, Request request, JsonObject body, Map<String, Object> schema,
                                      Random random, String notAnObject) {
    List<String> required = required(operation, schema, request, body);
    List<String> typed = body == null ? List.of() : typedFields(schema);
    switch (random.nextInt(4)) {
      case 0 -> {
        if (!required.isEmpty()) {
          String name = required.get(random.nextInt(required.size()));
          if (body != null && schemaRequires(schema, name)) {
            body.remove(name);
          } else {
            request.query().remove(name);
            request.headers().remove(name);
          }
          return "without required " + name;
        }
      }
      case 1 -> {
        if (!typed.isEmpty()) {
          String name = typed.get(random.nextInt(typed.size()));
          Object value = wrongType(schema, name, random);
          body.put(name, value);
          return name + " of the wrong type: " + value;
        }
      }
      case 2 -> {
        if (body != null) {
          return "body " + notAnObject;
        }
      }
      default -> {
      }
    }
    Map<String, String> part = request.path().isEmpty() || random.nextBoolean() ? request.query() : request.path();
    List<String> names = List.copyOf(part.keySet());
    String name = names.isEmpty() ? "fuzz" : names.get(random.nextInt(names.size()));
    part.put(name, part.getOrDefault(name, "") + "\u0000");
    return name + " with a NUL";
  }

  /** The names of the required body fields still there and the required query and header parameters still set. */
  private static List<String> required(Operation operation, Map<String, Object> schema, Request request,
                                       JsonObject body) {
    List<String> names = new ArrayList<>();
    if (body != null && schema.get("required") instanceof List<?> fields) {
      fields.stream().map(String::valueOf).filter(body::containsKey).forEach(names::add);
    }
    for (Map<String, Object> parameter : operation.parameters()) {
      String name = (String) parameter.get("name");
      if (Boolean.TRUE.equals(parameter.get("required")) && !"path".equals(parameter.get("in"))
        && (request.query().containsKey(name) || request.headers().containsKey(name))) {
        names.add(name);
      }
    }
    return names;
  }

  private static boolean schemaRequires(Map<String, Object> schema, String name) {
    return schema.get("required") instanceof List<?> fields && fields.contains(name);
  }

  /** The top-level body fields whose schema names a type. */
  @SuppressWarnings("unchecked")
  private static List<String> typedFields(Map<String, Object> schema) {
    Map<String, Object> properties = (Map<String, Object>) schema.getOrDefault("properties", Map.of());
    return properties.entrySet().stream()
      .filter(property -> ((Map<String, Object>) property.getValue()).get("type") instanceof String)
      .map(Map.Entry::getKey).toList();
  }

  /** A value of a JSON type the field's schema does not allow. */
  @SuppressWarnings("unchecked")
  private static Object wrongType(Map<String, Object> schema, String name, Random random) {
    String type = (String) ((Map<String, Object>) ((Map<String, Object>) schema.get("properties")).get(name)).get("type");
    List<Object> wrong = OF_EACH_TYPE.stream().filter(value -> !fits(type, value)).toList();
    return wrong.get(random.nextInt(wrong.size()));
  }

  private static boolean fits(String type, Object value) {
    return switch (type) {
      case "string" -> value instanceof String;
      case "integer" -> value instanceof Integer;
      case "number" -> value instanceof Number;
      case "boolean" -> value instanceof Boolean;
      case "object" -> value instanceof JsonObject;
      case "array" -> value instanceof JsonArray;
      default -> true;
    };
  }

  /** The query or header parameters of the request, or its path's when it has some and the draw says so. */
  private static Map<String, String> parameterPart(Request request, Random random) {
    return switch (random.nextInt(3)) {
      case 0 -> request.path().isEmpty() ? request.query() : request.path();
      case 1 -> request.headers();
      default -> request.query();
    };
  }

  /** Text for a parameter: odd text, or a value of any JSON type as its text. */
  private static String parameterText(Random random) {
    return random.nextBoolean() ? Samples.oddText(random) : String.valueOf(Samples.jsonValue(random));
  }

  private static String headerSafe(String value) {
    return value.replace("\r", "").replace("\n", "");
  }

  private static String visible(String value) {
    return abbreviated(value.replace("\u0000", "\\u0000"));
  }

  private static String abbreviated(String value) {
    return value.length() <= 80 ? value : value.substring(0, 80) + "... (" + value.length() + " characters)";
  }
}
