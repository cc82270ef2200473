package red.sessions.vyoma.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import red.sessions.vyoma.support.OpenApiOperations;
import red.sessions.vyoma.support.OpenApiOperations.Operation;
import red.sessions.vyoma.support.Seed.Lesson;
import red.sessions.vyoma.support.ServerTest;

import java.io.IOException;
import java.net.Socket;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static red.sessions.vyoma.support.Api.assertError;
import static red.sessions.vyoma.support.Api.assertJson;
import static red.sessions.vyoma.support.Seed.hoursAhead;

/**
 * No input is a 500. Every operation of {@code openapi.yaml} that takes input is sent as a valid request of
 * a real lesson with one part of it replaced by a value PostgreSQL cannot take or that is not what the
 * document says: a NUL character (U+0000) or a lone surrogate in any string (body fields at any depth, object
 * keys, path, query and header parameters), a time beyond PostgreSQL's range, numbers beyond any column's
 * range, an array where an object is expected. Each must be a 4xx in the error shape, and the lesson's world
 * must be as it was afterwards. The operations come from the document, so a new one must get its valid
 * request here before the build passes.
 */
class HostileInputTest extends ServerTest {

  private static final Duration ANSWER_WITHIN = Duration.ofSeconds(20);
  private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([^}]+)}");
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

  private static Lesson lesson;
  private static String student;
  private static String teacher;
  private static String spareSlot;
  private static String meetingId;
  private static String fileKey;
  private static String uploadQuery;
  private static String etag;

  /** A request as the test builds it: a path template with its values, query, headers, body. */
  private record Request(String token, Map<String, String> path, Map<String, String> query, Map<String, String> headers,
                         JsonObject body) {

    static Request of(String token) {
      return new Request(token, new LinkedHashMap<>(), new LinkedHashMap<>(), new LinkedHashMap<>(), null);
    }

    Request path(String name, String value) {
      path.put(name, value);
      return this;
    }

    Request query(String name, String value) {
      query.put(name, value);
      return this;
    }

    Request header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    Request body(JsonObject json) {
      return new Request(token, path, query, headers, json);
    }

    Request copy() {
      return new Request(token, new LinkedHashMap<>(path), new LinkedHashMap<>(query), new LinkedHashMap<>(headers),
        body == null ? null : body.copy());
    }
  }

  @BeforeAll
  static void aLessonWithAMeetingAndAFile() {
    lesson = seed.lesson(30);
    student = lesson.studentId();
    teacher = lesson.teacherId();
    spareSlot = seed.slot(teacher, hoursAhead(100), hoursAhead(101));
    meetingId = assertJson(api.post("/meetings", server.token(student),
      new JsonObject().put("session_id", lesson.sessionId())), 201).getString("meeting_id");
    JsonObject upload = assertJson(api.post("/presigned-url", server.token(student),
      new JsonObject().put("file_name", "notes.pdf").put("content_type", "application/pdf")), 200);
    fileKey = upload.getString("file_url").replaceFirst("^.*?/files/", "");
    uploadQuery = upload.getString("upload_url").replaceFirst("^[^?]*\\?", "");
    etag = api.get("/bookings/" + lesson.bookingId(), server.token(student)).getHeader("ETag");
  }

  /** A valid request of each operation that takes input, for the lesson's parties. */
  private static Map<String, Request> validRequests() {
    String s = server.token(student);
    String t = server.token(teacher);
    String booking = lesson.bookingId();
    String session = lesson.sessionId();
    String now = OffsetDateTime.now().toString();
    Map<String, Request> requests = new LinkedHashMap<>();
    requests.put("GET /profiles", Request.of(s).query("user_id", teacher));
    requests.put("POST /profiles", Request.of(t).body(new JsonObject().put("user_id", teacher).put("role", "teacher")
      .put("profile_data", new JsonObject().put("name", "Name of " + teacher).put("email", teacher + "@example.com")
        .put("bio", "Physics").put("topics", new JsonArray().add("Physics")))));
    requests.put("GET /search/teachers", Request.of(s).query("topic", "Physics").query("limit", "10").query("offset", "0"));
    requests.put("GET /availability", Request.of(s).query("teacher_id", teacher).query("from", hoursAhead(0).toString())
      .query("to", hoursAhead(200).toString()).query("limit", "10").query("offset", "0"));
    requests.put("POST /availability", Request.of(t).body(new JsonObject().put("teacher_id", teacher)
      .put("start_time", hoursAhead(200).toString()).put("end_time", hoursAhead(201).toString())));
    requests.put("DELETE /availability/{id}", Request.of(t).path("id", spareSlot));
    requests.put("GET /bookings", Request.of(s).query("student_id", student).query("teacher_id", teacher)
      .query("limit", "10").query("offset", "0"));
    requests.put("POST /bookings", Request.of(s).header("Idempotency-Key", "hostile-1").body(new JsonObject()
      .put("student_id", student).put("teacher_id", teacher)
      .put("start_time", hoursAhead(100).toString()).put("end_time", hoursAhead(101).toString())));
    requests.put("GET /bookings/{booking_id}", Request.of(s).path("booking_id", booking));
    requests.put("PATCH /bookings/{booking_id}", Request.of(s).path("booking_id", booking).header("If-Match", etag)
      .body(new JsonObject().put("status", "cancelled").put("reason", "ill")));
    requests.put("GET /bookings/{booking_id}/session", Request.of(s).path("booking_id", booking));
    requests.put("POST /bookings/{booking_id}/review", Request.of(s).path("booking_id", booking)
      .body(new JsonObject().put("rating", 5).put("comment", "Clear")));
    requests.put("POST /sessions", Request.of(s).body(new JsonObject().put("booking_id", booking)));
    requests.put("GET /sessions/{id}", Request.of(s).path("id", session));
    requests.put("PUT /sessions/{id}", Request.of(s).path("id", session).body(new JsonObject().put("status", "active")
      .put("notes", new JsonArray().add(new JsonObject().put("text", "Chain rule").put("timestamp", now)))
      .put("files", new JsonArray().add(new JsonObject().put("name", "notes.pdf")
        .put("url", "http://localhost:8080/files/" + fileKey).put("timestamp", now)))));
    requests.put("POST /meetings", Request.of(s).body(new JsonObject().put("session_id", session)));
    requests.put("GET /meetings/{session_id}", Request.of(s).path("session_id", session));
    requests.put("DELETE /meetings", Request.of(s).body(new JsonObject().put("meeting_id", meetingId)));
    requests.put("POST /attendees", Request.of(s).body(new JsonObject().put("meeting_id", meetingId)
      .put("user_id", student).put("name", "Sam")));
    requests.put("POST /presigned-url", Request.of(s).body(new JsonObject().put("file_name", "a.pdf")
      .put("content_type", "application/pdf")));
    requests.put("GET /files/{key}", Request.of(s).path("key", fileKey));
    Request upload = Request.of(null).path("key", fileKey).header("Content-Type", "application/pdf");
    for (String pair : uploadQuery.split("&")) {
      String[] nameValue = pair.split("=", 2);
      upload.query(nameValue[0], URLDecoder.decode(nameValue[1], StandardCharsets.UTF_8));
    }
    requests.put("PUT /files/{key}", upload);
    return requests;
  }

  /** One hostile request: what it is, and how to send it. */
  private record Variant(String operation, String description, String method, String uri, Request request, String rawBody) {
  }

  @Test
  void hostileValuesInAnyPartOfAnyRequestAre4xxAndChangeNothing() throws IOException {
    Map<String, Request> valid = validRequests();
    List<Variant> variants = new ArrayList<>();
    int operationsWithInput = 0;
    for (Operation operation : OpenApiOperations.read()) {
      if (operation.parameters().isEmpty() && !operation.hasRequestBody()) {
        continue;
      }
      operationsWithInput++;
      Request base = valid.get(operation.name());
      if (base == null) {
        fail(operation.name() + " takes input: give it a valid request in validRequests() so it is swept");
      }
      variants.addAll(variants(operation, base));
    }
    assertTrue(operationsWithInput >= 20, "only " + operationsWithInput + " operations with input swept");

    JsonObject before = world();
    List<String> failures = new ArrayList<>();
    for (Variant variant : variants) {
      if (variant.request().headers().values().stream().anyMatch(value -> value.contains("\u0000"))) {
        RawAnswer answer = sendOverSocket(variant);
        if (answer.status() < 400 || answer.status() >= 500) {
          failures.add(variant.operation() + " with " + variant.description() + ": " + answer.status() + " " + answer.body());
        }
        continue;
      }
      HttpResponse<Buffer> response = send(variant);
      String what = variant.operation() + " with " + variant.description() + ": " + response.statusCode() + " "
        + response.bodyAsString();
      try {
        assertTrue(response.statusCode() >= 400 && response.statusCode() < 500, what);
        assertError(response, response.statusCode());
      } catch (AssertionError e) {
        failures.add(what);
      }
    }
    assertEquals(List.of(), failures, () -> failures.size() + " of " + variants.size() + " hostile requests not refused");
    assertEquals(before, world(), "the lesson's world changed");
  }

  @Test
  void theRefusalNamesTheFieldWhereverItIs() {
    Map<String, Request> valid = validRequests();
    assertEquals("teacher_id must not contain the NUL character (U+0000)", refusal(valid.get("POST /bookings"),
      "/bookings", "POST", body -> body.put("teacher_id", "\u0000")));
    assertEquals("notes[0].text is not valid Unicode text (it holds a lone surrogate, U+D800)",
      refusal(valid.get("PUT /sessions/{id}"), "/sessions/" + lesson.sessionId(), "PUT",
        body -> body.getJsonArray("notes").getJsonObject(0).put("text", MARK)));
    assertEquals("query parameter topic must not contain the NUL character (U+0000)", assertError(
      api.get("/search/teachers?topic=%00", server.token(student)), 400).getString("message"));
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

  private static List<Variant> variants(Operation operation, Request base) {
    List<Variant> variants = new ArrayList<>();
    for (Map<String, Object> parameter : operation.parameters()) {
      String name = (String) parameter.get("name");
      String in = (String) parameter.get("in");
      for (String value : parameterValues(base, in, name)) {
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
        for (String raw : rawValues(kind)) {
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
    Matcher parameters = PATH_PARAMETER.matcher(operation.path());
    StringBuilder uri = new StringBuilder();
    while (parameters.find()) {
      String value = request.path().get(parameters.group(1));
      parameters.appendReplacement(uri, Matcher.quoteReplacement(operation.path().equals("/files/{key}")
        ? value.replace("\u0000", "%00") : encode(value)));
    }
    parameters.appendTail(uri);
    String separator = "?";
    for (Map.Entry<String, String> query : request.query().entrySet()) {
      uri.append(separator).append(encode(query.getKey())).append('=').append(encode(query.getValue()));
      separator = "&";
    }
    return new Variant(operation.name(), description, operation.method(), uri.toString(), request, rawBody);
  }

  /**
   * A request with a header the HTTP client refuses to send (a NUL in it) goes out over a plain socket; the
   * answer's status, and its body when it has one, come back.
   */
  private static RawAnswer sendOverSocket(Variant variant) throws IOException {
    StringBuilder head = new StringBuilder(variant.method() + " " + variant.uri() + " HTTP/1.1\r\n")
      .append("Host: localhost\r\nConnection: close\r\n");
    if (variant.request().token() != null) {
      head.append("Authorization: Bearer ").append(variant.request().token()).append("\r\n");
    }
    variant.request().headers().forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    byte[] body = variant.rawBody() == null ? new byte[0] : variant.rawBody().getBytes(StandardCharsets.UTF_8);
    if (variant.rawBody() != null) {
      head.append("Content-Type: application/json\r\n");
    }
    head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
    try (Socket socket = new Socket("localhost", server.config().http().getInteger("port"))) {
      socket.setSoTimeout((int) ANSWER_WITHIN.toMillis());
      socket.getOutputStream().write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().write(body);
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int status = Integer.parseInt(answer.substring(9, 12));
      int blank = answer.indexOf("\r\n\r\n");
      return new RawAnswer(status, blank < 0 ? "" : answer.substring(blank + 4));
    }
  }

  private record RawAnswer(int status, String body) {
  }

  private static HttpResponse<Buffer> send(Variant variant) {
    HttpRequest<Buffer> request = api.request(HttpMethod.valueOf(variant.method()), variant.uri())
      .timeout(ANSWER_WITHIN.toMillis());
    if (variant.request().token() != null) {
      request.bearerTokenAuthentication(variant.request().token());
    }
    variant.request().headers().forEach(request::putHeader);
    if (variant.rawBody() == null) {
      return request.send().await();
    }
    return request.putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(variant.rawBody())).await();
  }

  /** What the sweep could have changed, as the lesson's parties see it. */
  private static JsonObject world() {
    String s = server.token(student);
    String t = server.token(teacher);
    return new JsonObject()
      .put("student", assertJson(api.get("/profiles?user_id=" + student, s), 200))
      .put("teacher", assertJson(api.get("/profiles?user_id=" + teacher, t), 200))
      .put("slots", new JsonArray(assertOk(api.get("/availability?teacher_id=" + teacher, t)).bodyAsString()))
      .put("bookings", new JsonArray(assertOk(api.get("/bookings?student_id=" + student, s)).bodyAsString()))
      .put("session", assertJson(api.get("/sessions/" + lesson.sessionId(), s), 200));
  }

  private static HttpResponse<Buffer> assertOk(HttpResponse<Buffer> response) {
    assertEquals(200, response.statusCode(), response::bodyAsString);
    return response;
  }

  private static boolean isTime(String value) {
    try {
      OffsetDateTime.parse(value);
      return true;
    } catch (DateTimeParseException notATime) {
      return false;
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String quoted(String value) {
    return "\"" + value + "\"";
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
