package red.sessions.vyoma.support;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import red.sessions.vyoma.support.OpenApiOperations.Operation;
import red.sessions.vyoma.support.Seed.Lesson;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static red.sessions.vyoma.support.Api.assertJson;
import static red.sessions.vyoma.support.Seed.hoursAhead;

/**
 * A real lesson (with a meeting, a spare slot and an uploaded file's key), a valid request of every operation
 * that takes input for its two parties, how to send a changed one, and the world the two parties see: what
 * the tests that send bad input ({@code HostileInputTest}, {@code FuzzTest}) start from and check afterwards.
 */
public final class LessonRequests {

  private static final Duration ANSWER_WITHIN = Duration.ofSeconds(20);
  private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([^}]+)}");
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  private final TestServer server;
  private final Api api;
  private final Lesson lesson;
  private final String spareSlot;
  private final String meetingId;
  private final String fileKey;
  private final String uploadQuery;
  private final String etag;
  private final String packageId;
  private final String eventId;
  private final String feedId;
  private final String feedToken;
  private final String seriesId;
  private final String seriesBookingId;
  private final String downloadUrl;
  /** A student of no lesson, erased by an admin: the erasure requests name them. */
  private final String erased;
  private final String erasureId;

  /** A request as the tests build it: a path template's values, query, headers, body. */
  public record Request(String token, Map<String, String> path, Map<String, String> query, Map<String, String> headers,
                        JsonObject body) {

    public static Request of(String token) {
      return new Request(token, new LinkedHashMap<>(), new LinkedHashMap<>(), new LinkedHashMap<>(), null);
    }

    public Request path(String name, String value) {
      path.put(name, value);
      return this;
    }

    public Request query(String name, String value) {
      query.put(name, value);
      return this;
    }

    public Request header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    public Request body(JsonObject json) {
      return new Request(token, path, query, headers, json);
    }

    public Request copy() {
      return new Request(token, new LinkedHashMap<>(path), new LinkedHashMap<>(query), new LinkedHashMap<>(headers),
        body == null ? null : body.copy());
    }
  }

  /**
   * An answer: its status and body, and the client's response when the request went through the client
   * (null when it went over a plain socket).
   */
  public record Answer(int status, String body, HttpResponse<Buffer> response) {
  }

  public LessonRequests(TestServer server) {
    this.server = server;
    this.api = server.api();
    Seed seed = server.seed();
    lesson = seed.lesson(30);
    spareSlot = seed.slot(lesson.teacherId(), hoursAhead(100), hoursAhead(101));
    meetingId = assertJson(api.post("/meetings", server.token(lesson.studentId()),
      new JsonObject().put("session_id", lesson.sessionId())), 201).getString("meeting_id");
    JsonObject upload = assertJson(api.post("/presigned-url", server.token(lesson.studentId()),
      new JsonObject().put("file_name", "notes.pdf").put("content_type", "application/pdf")), 200);
    fileKey = upload.getString("file_url").replaceFirst("^.*?/files/", "");
    uploadQuery = upload.getString("upload_url").replaceFirst("^[^?]*\\?", "");
    etag = api.get("/bookings/" + lesson.bookingId(), server.token(lesson.studentId())).getHeader("ETag");
    seed.schedule(lesson.teacherId(), schedule());
    packageId = assertJson(api.post("/packages", server.token(lesson.teacherId()), new JsonObject()
      .put("student_id", lesson.studentId()).put("teacher_id", lesson.teacherId()).put("lessons", 3)), 201)
      .getString("package_id");
    eventId = LessonEvents.eventsOf(server, server.token(lesson.studentId()), "", 1).get(0).getString("id");
    JsonObject feed = assertJson(api.post("/calendar-feeds", server.token(lesson.studentId()), null), 201);
    feedId = feed.getString("id");
    feedToken = feed.getString("url").replaceFirst("^.*/calendar-feeds/(.*)\\.ics$", "$1");
    JsonObject series = assertJson(api.post("/series", server.token(lesson.studentId()), weekly(10)), 201);
    seriesId = series.getString("series_id");
    seriesBookingId = series.getJsonArray("occurrences").getJsonObject(0).getString("booking_id");
    downloadUrl = readyExport(server, lesson.studentId()).getString("download_url");
    erased = seed.student();
    erasureId = assertJson(api.send(HttpMethod.DELETE, "/profiles/" + erased, server.adminToken("admin-of-" + erased),
      null), 202).getString("erasure_id");
  }

  /** The query string's values, decoded, as the request's query parameters. */
  private static void queryOf(String query, Request request) {
    for (String pair : query.split("&")) {
      String[] nameValue = pair.split("=", 2);
      request.query(nameValue[0], URLDecoder.decode(nameValue[1], StandardCharsets.UTF_8));
    }
  }

  /** The user's export, once built: a signed download (the local store's) to send. */
  private static JsonObject readyExport(TestServer server, String userId) {
    String exportId = assertJson(server.api().post("/profiles/" + userId + "/export", server.token(userId), null), 202)
      .getString("export_id");
    JsonObject export = Wait.poll(Duration.ofSeconds(60), Duration.ofMillis(100),
      () -> assertJson(server.api().get("/exports/" + exportId, server.token(userId)), 200),
      read -> !"pending".equals(read.getString("status")));
    assertEquals("ready", export.getString("status"), export::encode);
    return export;
  }

  /** Two weekly lessons of the lesson's parties, at 10:00 in the teacher's hours, starting the given days from now. */
  private JsonObject weekly(int daysAhead) {
    ZonedDateTime start = LocalDate.now(BERLIN).plusDays(daysAhead).atTime(10, 0).atZone(BERLIN);
    return new JsonObject().put("student_id", lesson.studentId()).put("teacher_id", lesson.teacherId())
      .put("start_time", start.toOffsetDateTime().toString()).put("end_time", start.plusHours(1).toOffsetDateTime().toString())
      .put("time_zone", BERLIN.getId()).put("interval_weeks", 1).put("count", 2).put("mode", "partial");
  }

  /** The teacher's schedule, set with the lesson: the valid {@code PUT} sends it again. */
  private static JsonObject schedule() {
    return Schedules.schedule(BERLIN.getId(), Schedules.everyDay("09:00", "12:00"),
      new JsonArray().add(new JsonObject().put("date", "2027-12-24").put("unavailable", true)),
      Schedules.rules(60, 10, 30, 365));
  }

  public Lesson lesson() {
    return lesson;
  }

  /** A valid request of each operation that takes input, for the lesson's parties, by "METHOD /path". */
  public Map<String, Request> valid() {
    String student = lesson.studentId();
    String teacher = lesson.teacherId();
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
    requests.put("GET /bookings/{booking_id}/calendar.ics", Request.of(s).path("booking_id", booking));
    requests.put("DELETE /calendar-feeds/{id}", Request.of(s).path("id", feedId));
    requests.put("GET /calendar-feeds/{token}.ics", Request.of(null).path("token", feedToken).header("If-None-Match", "\"x\""));
    requests.put("GET /series", Request.of(s).query("student_id", student).query("teacher_id", teacher)
      .query("limit", "10").query("offset", "0"));
    requests.put("POST /series", Request.of(s).header("Idempotency-Key", "hostile-series-1").body(weekly(20)));
    requests.put("GET /series/{series_id}", Request.of(s).path("series_id", seriesId));
    requests.put("POST /series/{series_id}/confirm", Request.of(t).path("series_id", seriesId));
    requests.put("POST /series/{series_id}/cancel", Request.of(s).path("series_id", seriesId)
      .body(new JsonObject().put("scope", "all").put("reason", "ill")));
    JsonObject dayLater = weekly(11);
    requests.put("POST /series/{series_id}/reschedule", Request.of(s).path("series_id", seriesId)
      .body(new JsonObject().put("from_booking_id", seriesBookingId).put("start_time", dayLater.getString("start_time"))
        .put("end_time", dayLater.getString("end_time")).put("time_zone", BERLIN.getId()).put("mode", "partial")));
    requests.put("PATCH /bookings/{booking_id}", Request.of(s).path("booking_id", booking).header("If-Match", etag)
      .body(new JsonObject().put("status", "cancelled").put("reason", "ill")));
    requests.put("POST /bookings/{booking_id}/reschedule", Request.of(s).path("booking_id", booking).header("If-Match", etag)
      .body(new JsonObject().put("start_time", hoursAhead(30).plusMinutes(30).toString())
        .put("end_time", hoursAhead(31).plusMinutes(30).toString())));
    requests.put("POST /bookings/{booking_id}/no-show", Request.of(t).path("booking_id", booking).header("If-Match", etag)
      .body(new JsonObject().put("absent", "student")));
    requests.put("POST /packages", Request.of(t).body(new JsonObject().put("student_id", student).put("teacher_id", teacher)
      .put("lessons", 5).put("expires_at", hoursAhead(500).toString())));
    requests.put("GET /packages", Request.of(s).query("student_id", student).query("teacher_id", teacher)
      .query("limit", "10").query("offset", "0"));
    requests.put("GET /packages/{package_id}", Request.of(s).path("package_id", packageId));
    requests.put("GET /teachers/{teacher_id}/schedule", Request.of(s).path("teacher_id", teacher));
    requests.put("PUT /teachers/{teacher_id}/schedule", Request.of(t).path("teacher_id", teacher).body(schedule()));
    requests.put("GET /teachers/{teacher_id}/external-calendars", Request.of(t).path("teacher_id", teacher));
    requests.put("PUT /teachers/{teacher_id}/external-calendars", Request.of(t).path("teacher_id", teacher)
      .body(new JsonObject().put("calendars", new JsonArray())));
    requests.put("GET /teachers/{teacher_id}/slots", Request.of(s).path("teacher_id", teacher)
      .query("from", LocalDate.now().plusDays(2).toString()).query("to", LocalDate.now().plusDays(3).toString())
      .query("duration", "45").query("time_zone", "Asia/Kolkata"));
    requests.put("GET /bookings/{booking_id}/session", Request.of(s).path("booking_id", booking));
    requests.put("POST /bookings/{booking_id}/review", Request.of(s).path("booking_id", booking)
      .body(new JsonObject().put("rating", 5).put("comment", "Clear")));
    requests.put("POST /sessions", Request.of(s).body(new JsonObject().put("booking_id", booking)));
    requests.put("GET /sessions/{id}", Request.of(s).path("id", session));
    requests.put("PUT /sessions/{id}", Request.of(s).path("id", session).body(new JsonObject().put("status", "active")
      .put("notes", new JsonArray().add(new JsonObject().put("text", "Chain rule").put("timestamp", now)))
      .put("files", new JsonArray().add(new JsonObject().put("name", "notes.pdf")
        .put("url", "http://localhost:8080/files/" + fileKey).put("timestamp", now)))));
    requests.put("PUT /sessions/{id}/recording-consent", Request.of(s).path("id", session)
      .body(new JsonObject().put("consent", true)));
    requests.put("POST /sessions/{id}/recording", Request.of(s).path("id", session));
    requests.put("DELETE /sessions/{id}/recording", Request.of(s).path("id", session));
    requests.put("GET /sessions/{id}/recordings", Request.of(s).path("id", session));
    requests.put("POST /meetings", Request.of(s).body(new JsonObject().put("session_id", session)));
    requests.put("GET /meetings/{session_id}", Request.of(s).path("session_id", session));
    requests.put("DELETE /meetings", Request.of(s).body(new JsonObject().put("meeting_id", meetingId)));
    requests.put("POST /attendees", Request.of(s).body(new JsonObject().put("meeting_id", meetingId)
      .put("user_id", student).put("name", "Sam")));
    requests.put("POST /presigned-url", Request.of(s).body(new JsonObject().put("file_name", "a.pdf")
      .put("content_type", "application/pdf")));
    requests.put("GET /files/{key}", Request.of(s).path("key", fileKey));
    requests.put("GET /events", Request.of(s).query("after", eventId).query("limit", "10").query("all", "false"));
    // Without Accept: text/event-stream, so that every answer ends (406 when the rest is valid).
    requests.put("GET /events/stream", Request.of(s).header("Last-Event-ID", eventId).query("after", eventId)
      .query("all", "false"));
    requests.put("GET /profiles/{user_id}/notifications", Request.of(s).path("user_id", student));
    requests.put("PUT /profiles/{user_id}/notifications", Request.of(s).path("user_id", student)
      .body(new JsonObject().put("email", true).put("reminders_minutes_before", new JsonArray().add(1440).add(60))));
    requests.put("GET /bookings/{booking_id}/notifications", Request.of(s).path("booking_id", booking));
    // A token this server never signed: well formed, so it reaches the signature check.
    requests.put("POST /unsubscribe/{token}", Request.of(null).path("token", "c3R1ZGVudA.bm90LWEtc2lnbmF0dXJl"));
    // Webhooks are an admin's; ids no webhook has, so that nothing a request gets past the contract can touch.
    String a = server.adminToken("admin-of-" + student);
    String webhook = UUID.randomUUID().toString();
    JsonObject subscription = new JsonObject().put("url", "https://hooks.example.com/vyoma")
      .put("events", new JsonArray().add("booking.*")).put("description", "Billing");
    requests.put("DELETE /profiles/{user_id}", Request.of(a).path("user_id", erased).query("reason", "asked in writing"));
    requests.put("GET /erasures", Request.of(a).query("limit", "10").query("offset", "0"));
    requests.put("GET /erasures/{id}", Request.of(a).path("id", erasureId));
    requests.put("GET /webhooks", Request.of(a).query("limit", "10").query("offset", "0"));
    requests.put("POST /webhooks", Request.of(a).body(subscription));
    requests.put("GET /webhooks/{id}", Request.of(a).path("id", webhook));
    requests.put("PATCH /webhooks/{id}", Request.of(a).path("id", webhook).body(subscription.copy().put("active", true)));
    requests.put("DELETE /webhooks/{id}", Request.of(a).path("id", webhook));
    requests.put("POST /webhooks/{id}/ping", Request.of(a).path("id", webhook));
    requests.put("POST /webhooks/{id}/rotate-secret", Request.of(a).path("id", webhook));
    requests.put("GET /webhooks/{id}/deliveries", Request.of(a).path("id", webhook).query("status", "failed")
      .query("limit", "10").query("offset", "0"));
    requests.put("POST /webhooks/{id}/deliveries/{delivery_id}/redeliver", Request.of(a).path("id", webhook)
      .path("delivery_id", UUID.randomUUID().toString()));
    requests.put("POST /profiles/{user_id}/export", Request.of(s).path("user_id", student));
    requests.put("GET /exports/{export_id}", Request.of(s).path("export_id", UUID.randomUUID().toString()));
    requests.put("GET /exports", Request.of(a).query("limit", "10").query("offset", "0"));
    Request upload = Request.of(null).path("key", fileKey).header("Content-Type", "application/pdf");
    queryOf(uploadQuery, upload);
    requests.put("PUT /files/{key}", upload);
    Request download = Request.of(null).path("key", downloadUrl.replaceFirst("^.*?/downloads/", "").replaceFirst("\\?.*$", ""));
    queryOf(downloadUrl.replaceFirst("^[^?]*\\?", ""), download);
    requests.put("GET /downloads/{key}", download);
    return requests;
  }

  /**
   * The request's URI for the operation: its path template filled in and its query appended, each value
   * percent-encoded (a file key segment by segment, since it is a path of its own).
   */
  public static String uri(Operation operation, Request request) {
    Matcher parameters = PATH_PARAMETER.matcher(operation.path());
    StringBuilder uri = new StringBuilder();
    while (parameters.find()) {
      String value = request.path().get(parameters.group(1));
      parameters.appendReplacement(uri, Matcher.quoteReplacement(operation.path().equals("/files/{key}")
        ? Arrays.stream(value.split("/", -1)).map(LessonRequests::encode).collect(Collectors.joining("/"))
        : encode(value)));
    }
    parameters.appendTail(uri);
    String separator = "?";
    for (Map.Entry<String, String> query : request.query().entrySet()) {
      uri.append(separator).append(encode(query.getKey())).append('=').append(encode(query.getValue()));
      separator = "&";
    }
    return uri.toString();
  }

  /**
   * Sends the request with this raw JSON body (none when null). One with a header the HTTP client refuses to
   * send (a control character or one beyond ASCII in it) goes out over a plain socket, as ISO-8859-1.
   */
  public Answer send(String method, String uri, Request request, String rawBody) {
    if (request.headers().values().stream().anyMatch(value -> value.chars().anyMatch(c -> c < ' ' || c > '~'))) {
      return sendOverSocket(method, uri, request, rawBody);
    }
    HttpRequest<Buffer> sent = api.request(HttpMethod.valueOf(method), uri).timeout(ANSWER_WITHIN.toMillis());
    if (request.token() != null) {
      sent.bearerTokenAuthentication(request.token());
    }
    request.headers().forEach(sent::putHeader);
    HttpResponse<Buffer> response = rawBody == null ? sent.send().await()
      : sent.putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(rawBody)).await();
    return new Answer(response.statusCode(), response.bodyAsString(), response);
  }

  private Answer sendOverSocket(String method, String uri, Request request, String rawBody) {
    StringBuilder head = new StringBuilder(method + " " + uri + " HTTP/1.1\r\n")
      .append("Host: localhost\r\nConnection: close\r\n");
    if (request.token() != null) {
      head.append("Authorization: Bearer ").append(request.token()).append("\r\n");
    }
    request.headers().forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    byte[] body = rawBody == null ? new byte[0] : rawBody.getBytes(StandardCharsets.UTF_8);
    if (rawBody != null) {
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
      return new Answer(status, blank < 0 ? "" : answer.substring(blank + 4), null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What a request could have changed, as the lesson's two parties see it. */
  public JsonObject world() {
    String student = lesson.studentId();
    String teacher = lesson.teacherId();
    String s = server.token(student);
    String t = server.token(teacher);
    return new JsonObject()
      .put("student", assertJson(api.get("/profiles?user_id=" + student, s), 200))
      .put("teacher", assertJson(api.get("/profiles?user_id=" + teacher, t), 200))
      .put("slots", new JsonArray(assertOk(api.get("/availability?teacher_id=" + teacher, t)).bodyAsString()))
      .put("bookings", new JsonArray(assertOk(api.get("/bookings?student_id=" + student, s)).bodyAsString()))
      .put("session", assertJson(api.get("/sessions/" + lesson.sessionId(), s), 200))
      .put("recordings", assertJson(api.get("/sessions/" + lesson.sessionId() + "/recordings", s), 200))
      .put("schedule", assertJson(api.get("/teachers/" + teacher + "/schedule", s), 200))
      .put("external_calendars", assertJson(api.get("/teachers/" + teacher + "/external-calendars", t), 200))
      .put("packages", new JsonArray(assertOk(api.get("/packages?student_id=" + student, s)).bodyAsString()))
      .put("series", new JsonArray(assertOk(api.get("/series?student_id=" + student, s)).bodyAsString()));
  }

  private static HttpResponse<Buffer> assertOk(HttpResponse<Buffer> response) {
    assertEquals(200, response.statusCode(), response::bodyAsString);
    return response;
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
