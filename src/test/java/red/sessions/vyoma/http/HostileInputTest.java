package red.sessions.vyoma.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import red.sessions.vyoma.support.LessonRequests;
import red.sessions.vyoma.support.LessonRequests.Answer;
import red.sessions.vyoma.support.LessonRequests.Request;
import red.sessions.vyoma.support.OpenApiOperations;
import red.sessions.vyoma.support.OpenApiOperations.Operation;
import red.sessions.vyoma.support.ServerTest;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static red.sessions.vyoma.support.Api.assertError;

/**
 * No input is a 500. Every operation of {@code openapi.yaml} that takes input is sent as a valid request of
 * a real lesson with one part of it replaced by a value PostgreSQL cannot take or that is not what the
 * document says: a NUL character (U+0000) or a lone surrogate in any string (body fields at any depth, object
 * keys, path, query and header parameters), a time beyond PostgreSQL's range, numbers beyond any column's
 * range, an array where an object is expected. Each must be a 4xx in the error shape, and the lesson's world
 * must be as it was afterwards. A refusal of a long value in any of those places quotes only its start. The
 * operations come from the document, so a new one must get its valid request in {@link LessonRequests}
 * before the build passes.
 */
class HostileInputTest extends ServerTest {

  /** Stands for the hostile value in a body, replaced by its raw JSON text after encoding. */
  private static final String MARK = "\u2603hostile\u2603";
  private static final String KEY_MARK = "\u2603key\u2603";

  private static final List<String> STRINGS = List.of("\u0000", "a\u0000b");
  /** JSON text of strings no PostgreSQL text can hold; a lone surrogate is valid JSON but not Unicode. */
  private static final List<String> JSON_STRINGS = List.of("\"\\u0000\"", "\"note\\u0000\"", "\"\\ud800\"", "\"x\\udc00\"");
  private static final List<String> TIMES = List.of("+294277-01-01T00:00:00Z", "-4714-01-01T00:00:00Z");
  private static final List<String> NUMBERS = List.of("9223372036854775808", "-9223372036854775809", "2147483648", "1e300");
  private static final List<String> NOT_OBJECTS = List.of("[]", "[{}]");
  private static final List<String> NOT_ARRAYS = List.of("{}", "[[]]");

  /**
   * A long value, and how much of it an error message may quote. A parameter's is as long as the request
   * line (4096 bytes with method and path) and the headers (8 KiB) still take, so that it reaches the server.
   */
  private static final String LONG_BODY_VALUE = "x".repeat(10_000);
  private static final String LONG_PARAMETER_VALUE = "x".repeat(3_000);
  private static final int MOST_QUOTED = 100;
  private static final Pattern X_RUN = Pattern.compile("x{20,}");

  /** The values a sweep tries: in a parameter, and at a place of a body given the kind of value there. */
  private interface Values {
    List<String> parameter(Request base, String in, String name);

    List<String> body(Kind kind);
  }

  private static final Values HOSTILE = new Values() {
    @Override
    public List<String> parameter(Request base, String in, String name) {
      return parameterValues(base, in, name);
    }

    @Override
    public List<String> body(Kind kind) {
      return rawValues(kind);
    }
  };

  private static final Values LONG = new Values() {
    @Override
    public List<String> parameter(Request base, String in, String name) {
      return List.of(LONG_PARAMETER_VALUE);
    }

    @Override
    public List<String> body(Kind kind) {
      return List.of(quoted(LONG_BODY_VALUE));
    }
  };

  private static LessonRequests lesson;

  @BeforeAll
  static void aLessonWithAMeetingAndAFile() {
    lesson = new LessonRequests(server);
  }

  /** One hostile request: what it is, and how to send it. */
  private record Variant(String operation, String description, String method, String uri, Request request, String rawBody) {

    Answer send() {
      return lesson.send(method, uri, request, rawBody);
    }
  }

  @Test
  void hostileValuesInAnyPartOfAnyRequestAre4xxAndChangeNothing() {
    List<Variant> variants = sweep(HOSTILE);
    JsonObject before = lesson.world();
    List<String> failures = new ArrayList<>();
    for (Variant variant : variants) {
      Answer answer = variant.send();
      String what = variant.operation() + " with " + variant.description() + ": " + answer.status() + " " + answer.body();
      try {
        assertTrue(answer.status() >= 400 && answer.status() < 500, what);
        if (answer.response() != null) {
          assertError(answer.response(), answer.status());
        }
      } catch (AssertionError e) {
        failures.add(what);
      }
    }
    assertEquals(List.of(), failures, () -> failures.size() + " of " + variants.size() + " hostile requests not refused");
    assertEquals(before, lesson.world(), "the lesson's world changed");
  }

  /**
   * An error message names what is wrong, and may quote the value, but never a long one whole: a 10,000
   * character value anywhere in a body (or the longest a parameter or header can be) shows in a refusal with
   * at most its first {@value #MOST_QUOTED} characters.
   */
  @Test
  void aLongValueAnywhereIsQuotedOnlyInPart() {
    String tooMuch = "x".repeat(MOST_QUOTED + 2);
    List<String> failures = new ArrayList<>();
    int refusals = 0;
    for (Variant variant : sweep(LONG)) {
      Answer answer = variant.send();
      String what = counted(variant.operation() + " with " + variant.description() + ": " + answer.status() + " "
        + answer.body());
      if (answer.status() == 414 || answer.status() == 431) {
        failures.add(what + " (the value did not reach the server)");
      } else if (answer.status() >= 400) {
        refusals++;
        String message = answer.response() == null ? answer.body() : assertError(answer.response(), answer.status())
          .getString("message");
        if (message.contains(tooMuch)) {
          failures.add(what);
        }
      }
    }
    // A path no route serves, or serves with another method, is named in its 404 and 405.
    Map<String, Integer> unserved = Map.of("GET /search/" + LONG_PARAMETER_VALUE, 404, "DELETE /files/" + LONG_PARAMETER_VALUE, 405);
    unserved.forEach((request, status) -> {
      String[] methodAndPath = request.split(" ");
      String message = assertError(api.request(HttpMethod.valueOf(methodAndPath[0]), methodAndPath[1])
        .bearerTokenAuthentication(server.token(lesson.lesson().studentId())).send().await(), status).getString("message");
      if (message.contains(tooMuch)) {
        failures.add(counted(request + ": " + message));
      }
    });
    assertEquals(List.of(), failures, () -> failures.size() + " refusals quote a long value whole");
    assertTrue(refusals > 100, "only " + refusals + " refusals");
  }

  @Test
  void theRefusalNamesTheFieldWhereverItIs() {
    Map<String, Request> valid = lesson.valid();
    assertEquals("teacher_id must not contain the NUL character (U+0000)", refusal(valid.get("POST /bookings"),
      "/bookings", "POST", body -> body.put("teacher_id", "\u0000")));
    assertEquals("notes[0].text is not valid Unicode text (it holds a lone surrogate, U+D800)",
      refusal(valid.get("PUT /sessions/{id}"), "/sessions/" + lesson.lesson().sessionId(), "PUT",
        body -> body.getJsonArray("notes").getJsonObject(0).put("text", MARK)));
    assertEquals("query parameter topic must not contain the NUL character (U+0000)", assertError(
      api.get("/search/teachers?topic=%00", server.token(lesson.lesson().studentId())), 400).getString("message"));
  }

  /** Every variant of every operation that takes input, each with one of the values tried in one place. */
  private static List<Variant> sweep(Values values) {
    Map<String, Request> valid = lesson.valid();
    List<Variant> variants = new ArrayList<>();
    int operationsWithInput = 0;
    for (Operation operation : OpenApiOperations.read()) {
      if (operation.parameters().isEmpty() && !operation.hasRequestBody()) {
        continue;
      }
      operationsWithInput++;
      Request base = valid.get(operation.name());
      if (base == null) {
        fail(operation.name() + " takes input: give it a valid request in LessonRequests.valid() so it is swept");
      }
      variants.addAll(variants(operation, base, values));
    }
    assertTrue(operationsWithInput >= 20, "only " + operationsWithInput + " operations with input swept");
    return variants;
  }

  /** The 400's message for the valid request with its body changed (a {@link #MARK} becomes a lone surrogate). */
  private static String refusal(Request valid, String uri, String method, Consumer<JsonObject> change) {
    JsonObject body = valid.body().copy();
    change.accept(body);
    HttpRequest<Buffer> request = api.request(HttpMethod.valueOf(method), uri).bearerTokenAuthentication(valid.token());
    valid.headers().forEach(request::putHeader);
    String raw = body.encode().replace(quoted(MARK), "\"\\ud800\"");
    return assertError(request.putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(raw)).await(), 400)
      .getString("message");
  }

  private static List<Variant> variants(Operation operation, Request base, Values values) {
    List<Variant> variants = new ArrayList<>();
    for (Map<String, Object> parameter : operation.parameters()) {
      String name = (String) parameter.get("name");
      String in = (String) parameter.get("in");
      for (String value : values.parameter(base, in, name)) {
        Request request = base.copy();
        switch (in) {
          case "path" -> request.path(name, value);
          case "query" -> request.query(name, value);
          case "header" -> request.header(name, value);
          default -> fail(operation.name() + " has a " + in + " parameter, which the sweep cannot send");
        }
        variants.add(variant(operation, in + " parameter " + name + " = " + visible(value), request.body(null),
          base.body() == null ? null : base.body().encode()));
      }
    }
    if (base.body() != null) {
      walk(base.body(), base.body(), (marked, kind) -> {
        String encoded = marked.encode();
        for (String raw : values.body(kind)) {
          String body = encoded.replace(quoted(MARK), raw).replace(quoted(KEY_MARK), raw);
          variants.add(variant(operation, "body " + body, base.copy().body(null), body));
        }
      });
    }
    return variants;
  }

  private static List<String> parameterValues(Request base, String in, String name) {
    String current = switch (in) {
      case "path" -> base.path().get(name);
      case "query" -> base.query().get(name);
      case "header" -> base.headers().get(name);
      default -> null;
    };
    List<String> values = new ArrayList<>(STRINGS);
    if (current != null && isTime(current)) {
      values.addAll(TIMES);
    }
    if (current != null && current.matches("-?\\d+")) {
      values.addAll(NUMBERS);
    }
    return values;
  }

  /**
   * Calls {@code each} with a copy of the body for every place a hostile value can go, and the kind of value
   * that was there: each value at any depth replaced by {@link #MARK}, and each object given an extra key
   * {@link #KEY_MARK}.
   */
  private static void walk(JsonObject root, Object node, BiConsumer<JsonObject, Kind> each) {
    if (node instanceof JsonObject object) {
      object.put(KEY_MARK, "x");
      each.accept(root.copy(), Kind.KEY);
      object.remove(KEY_MARK);
      for (String field : List.copyOf(object.fieldNames())) {
        Object value = object.getValue(field);
        object.put(field, MARK);
        each.accept(root.copy(), Kind.of(value));
        object.put(field, value);
        walk(root, value, each);
      }
    } else if (node instanceof JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        Object value = array.getValue(i);
        array.set(i, MARK);
        each.accept(root.copy(), Kind.of(value));
        array.set(i, value);
        walk(root, value, each);
      }
    }
  }

  /** What a place in a body held, which decides the hostile values tried there. */
  private enum Kind {
    KEY, STRING, TIME, NUMBER, OBJECT, ARRAY;

    static Kind of(Object value) {
      if (value instanceof JsonObject) {
        return OBJECT;
      }
      if (value instanceof JsonArray) {
        return ARRAY;
      }
      if (value instanceof Number) {
        return NUMBER;
      }
      return value instanceof String text && isTime(text) ? TIME : STRING;
    }
  }

  /** The raw JSON values tried at a place of a body. */
  private static List<String> rawValues(Kind kind) {
    return switch (kind) {
      case KEY -> JSON_STRINGS;
      case OBJECT -> NOT_OBJECTS;
      case ARRAY -> NOT_ARRAYS;
      case NUMBER -> NUMBERS;
      case TIME -> concat(JSON_STRINGS, TIMES.stream().map(HostileInputTest::quoted).toList());
      case STRING -> JSON_STRINGS;
    };
  }

  private static Variant variant(Operation operation, String description, Request request, String rawBody) {
    return new Variant(operation.name(), description, operation.method(), LessonRequests.uri(operation, request), request,
      rawBody);
  }

  private static boolean isTime(String value) {
    try {
      OffsetDateTime.parse(value);
      return true;
    } catch (DateTimeParseException notATime) {
      return false;
    }
  }

  private static String quoted(String value) {
    return "\"" + value + "\"";
  }

  /** The text with each run of x written as its length ({@code x×10000}), so a failure can be read. */
  private static String counted(String text) {
    return X_RUN.matcher(text).replaceAll(run -> "x×" + run.group().length());
  }

  private static String visible(String value) {
    return value.replace("\u0000", "\\u0000");
  }

  private static <T> List<T> concat(List<T> first, List<T> second) {
    List<T> both = new ArrayList<>(first);
    both.addAll(second);
    return both;
  }
}
