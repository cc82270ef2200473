package red.sessions.vyoma.sessions;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import red.sessions.vyoma.support.Race;
import red.sessions.vyoma.support.Race.Entrant;
import red.sessions.vyoma.support.RowLock;
import red.sessions.vyoma.support.Seed;
import red.sessions.vyoma.support.Seed.Lesson;
import red.sessions.vyoma.support.ServerTest;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.support.Api.assertError;
import static red.sessions.vyoma.support.Api.assertJson;
import static red.sessions.vyoma.support.Seed.hoursAhead;

class SessionsTest extends ServerTest {

  /** The default storage.base_url: this server's own URL. */
  private static String storage;

  @BeforeAll
  static void storageIsTheDefault() {
    storage = "http://127.0.0.1:" + server.config().http().getInteger("port") + "/files/";
    assertEquals(storage, server.config().storage().getString("base_url"));
  }

  /** A new student and teacher with a pending booking 2 to 3 hours ahead, and no session yet. */
  private record Booking(String studentId, String teacherId, String bookingId) {
  }

  private static Booking pendingBooking() {
    String teacher = seed.teacher("Physics");
    String student = seed.student();
    seed.slot(teacher, hoursAhead(1), hoursAhead(5));
    return new Booking(student, teacher, seed.booking(student, teacher, hoursAhead(2), hoursAhead(3)));
  }

  private static HttpResponse<Buffer> create(String bookingId, String userId) {
    return api.post("/sessions", server.token(userId), new JsonObject().put("booking_id", bookingId));
  }

  private static JsonObject read(String sessionId, String userId) {
    return assertJson(api.get("/sessions/" + sessionId, server.token(userId)), 200);
  }

  private static HttpResponse<Buffer> put(String sessionId, String userId, JsonObject body) {
    return api.send(HttpMethod.PUT, "/sessions/" + sessionId, server.token(userId), body);
  }

  private static void update(String sessionId, String userId, JsonObject body) {
    assertEquals("Session updated successfully", assertJson(put(sessionId, userId, body), 200).getString("message"));
  }

  private static JsonObject status(String status) {
    return new JsonObject().put("status", status);
  }

  private static JsonObject note(String text, String timestamp) {
    return new JsonObject().put("text", text).put("timestamp", timestamp);
  }

  private static JsonObject notes(JsonObject... notes) {
    return new JsonObject().put("notes", new JsonArray(List.of((Object[]) notes)));
  }

  private static JsonObject file(String name, String url, String timestamp) {
    return new JsonObject().put("name", name).put("url", url).put("timestamp", timestamp);
  }

  private static List<JsonObject> list(JsonObject session, String field) {
    return session.getJsonArray(field).stream().map(JsonObject.class::cast).toList();
  }

  private static String bookingStatus(String bookingId, String userId) {
    return assertJson(api.get("/bookings/" + bookingId, server.token(userId)), 200).getString("status");
  }

  private static void assertServerTime(String time) {
    assertTrue(time.endsWith("Z"), time);
    Instant at = Instant.parse(time);
    assertTrue(Duration.between(at, Instant.now()).abs().compareTo(Duration.ofMinutes(2)) < 0, "server time " + time);
  }

  private static void assertNothingAdded(String sessionId, String userId) {
    JsonObject session = read(sessionId, userId);
    assertEquals(new JsonArray(), session.getJsonArray("notes"));
    assertEquals(new JsonArray(), session.getJsonArray("files"));
  }

  @Test
  void aBookingGetsOneSessionWhoeverAsksForIt() {
    Booking booking = pendingBooking();
    JsonObject created = assertJson(create(booking.bookingId(), booking.studentId()), 201);
    assertEquals("Session created successfully", created.getString("message"));
    String sessionId = created.getString("session_id");
    UUID.fromString(sessionId);

    JsonObject again = assertJson(create(booking.bookingId(), booking.teacherId()), 200);
    assertEquals("Session already exists", again.getString("message"));
    assertEquals(sessionId, again.getString("session_id"));
    assertEquals(sessionId, assertJson(create(booking.bookingId(), booking.studentId()), 200).getString("session_id"));
    assertEquals(sessionId, assertJson(api.get("/bookings/" + booking.bookingId() + "/session",
      server.token(booking.teacherId())), 200).getString("session_id"));

    Lesson lesson = seed.lesson(2);
    JsonObject confirmed = assertJson(create(lesson.bookingId(), lesson.teacherId()), 200);
    assertEquals(lesson.sessionId(), confirmed.getString("session_id"));
    assertNotEquals(sessionId, lesson.sessionId());
  }

  @Test
  void concurrentCreatesOfOneBookingYieldOneSession() {
    Booking booking = pendingBooking();
    // A session references its booking, so each create waits for the booking inside its own transaction.
    List<HttpResponse<Buffer>> responses = Race.heldBy(RowLock.on("bookings", "id", booking.bookingId()), server, 20,
      i -> Entrant.of(HttpMethod.POST, "/sessions", server.token(i % 2 == 0 ? booking.studentId() : booking.teacherId()),
        new JsonObject().put("booking_id", booking.bookingId())));

    assertEquals(1, responses.stream().filter(r -> r.statusCode() == 201).count(), "exactly one creates it");
    Set<String> ids = responses.stream()
      .map(r -> assertJson(r, r.statusCode() == 201 ? 201 : 200).getString("session_id")).collect(Collectors.toSet());
    assertEquals(1, ids.size(), () -> "session ids " + ids);
    assertEquals(ids.iterator().next(), assertJson(api.get("/bookings/" + booking.bookingId() + "/session",
      server.token(booking.studentId())), 200).getString("session_id"));
  }

  @Test
  void sessionsAreMadeOnlyForLiveBookingsOfTheCaller() {
    Booking cancelled = pendingBooking();
    assertJson(api.send(HttpMethod.PATCH, "/bookings/" + cancelled.bookingId(), server.token(cancelled.studentId()),
      new JsonObject().put("status", "cancelled")), 200);
    assertError(create(cancelled.bookingId(), cancelled.studentId()), 409);
    assertError(api.get("/bookings/" + cancelled.bookingId() + "/session", server.token(cancelled.studentId())), 404);

    Booking booking = pendingBooking();
    String stranger = seed.student();
    assertError(create(booking.bookingId(), stranger), 403);
    assertError(api.get("/bookings/" + booking.bookingId() + "/session", server.token(booking.studentId())), 404);

    assertError(create(UUID.randomUUID().toString(), booking.studentId()), 404);
    assertError(create("not-a-uuid", booking.studentId()), 400);
    assertError(api.post("/sessions", server.token(booking.studentId()), new JsonObject()), 400);
    assertError(api.post("/sessions", server.token(booking.studentId()), new JsonObject().put("booking_id", 42)), 400);
    assertError(api.get("/bookings/" + booking.bookingId() + "/session", server.token(booking.studentId())), 404);
  }

  @Test
  void aSessionReadsInTheSeedShapeByIdAndByBooking() {
    Lesson lesson = seed.lesson(2);
    JsonObject session = read(lesson.sessionId(), lesson.studentId());
    assertEquals(lesson.sessionId(), session.getString("session_id"));
    assertEquals(lesson.bookingId(), session.getString("booking_id"));
    assertEquals(lesson.studentId(), session.getString("student_id"));
    assertEquals(lesson.teacherId(), session.getString("teacher_id"));
    assertEquals(hoursAhead(2).toInstant(), OffsetDateTime.parse(session.getString("start_time")).toInstant());
    assertEquals(hoursAhead(3).toInstant(), OffsetDateTime.parse(session.getString("end_time")).toInstant());
    assertTrue(session.getString("start_time").endsWith(":00:00.000Z"), session.getString("start_time"));
    assertEquals("pending", session.getString("status"));
    assertEquals(new JsonObject(), session.getJsonObject("meeting_data"));
    assertEquals(new JsonArray(), session.getJsonArray("notes"));
    assertEquals(new JsonArray(), session.getJsonArray("files"));

    JsonObject byBooking = assertJson(api.get("/bookings/" + lesson.bookingId() + "/session",
      server.token(lesson.teacherId())), 200);
    assertEquals(session, byBooking);
    assertEquals(session, read(lesson.sessionId(), lesson.teacherId()));
    assertEquals(session, assertJson(api.get("/sessions/" + lesson.sessionId(), server.adminToken("root")), 200));
    assertEquals(session, assertJson(api.get("/bookings/" + lesson.bookingId() + "/session",
      server.adminToken("root")), 200));
  }

  @Test
  void sessionsAreSeenOnlyByTheirPartiesAndAdmins() {
    Lesson lesson = seed.lesson(2);
    String stranger = seed.student();
    assertError(api.get("/sessions/" + lesson.sessionId(), server.token(stranger)), 403);
    assertError(api.get("/bookings/" + lesson.bookingId() + "/session", server.token(stranger)), 403);
    assertError(api.get("/sessions/" + UUID.randomUUID(), server.token(lesson.studentId())), 404);
    assertError(api.get("/bookings/" + UUID.randomUUID() + "/session", server.token(lesson.studentId())), 404);
    assertError(api.get("/sessions/not-a-uuid", server.token(lesson.studentId())), 400);
    assertError(api.get("/bookings/not-a-uuid/session", server.token(lesson.studentId())), 400);

    Booking without = pendingBooking();
    assertError(api.get("/bookings/" + without.bookingId() + "/session", server.token(without.studentId())), 404);
    assertError(api.get("/bookings/" + without.bookingId() + "/session", server.token(without.teacherId())), 404);
    assertError(api.get("/bookings/" + without.bookingId() + "/session", server.token(stranger)), 403);
  }

  @Test
  void bothPartiesAddNotesAndFilesStampedWithAuthorAndTimes() {
    Lesson lesson = seed.lesson(2);
    String homework = seed.fileUrl(lesson.studentId(), "homework.pdf");
    update(lesson.sessionId(), lesson.studentId(), notes(note("  What is a photon?  ", "2026-03-04T10:15:30.123+05:30"))
      .put("files", new JsonArray().add(file("homework.pdf", homework, "2026-03-04T10:16:00Z"))));
    update(lesson.sessionId(), lesson.teacherId(), notes(note("A quantum of light.", "2026-03-04T04:47:00.5Z")));

    JsonObject session = read(lesson.sessionId(), lesson.teacherId());
    List<JsonObject> notes = list(session, "notes");
    assertEquals(2, notes.size(), () -> "notes " + notes);
    JsonObject question = notes.stream().filter(n -> n.getString("author_id").equals(lesson.studentId())).findFirst().orElseThrow();
    JsonObject answer = notes.stream().filter(n -> n.getString("author_id").equals(lesson.teacherId())).findFirst().orElseThrow();
    assertEquals("What is a photon?", question.getString("text"));
    assertEquals("2026-03-04T04:45:30.123Z", question.getString("timestamp"));
    assertEquals("A quantum of light.", answer.getString("text"));
    assertEquals("2026-03-04T04:47:00.500Z", answer.getString("timestamp"));
    for (JsonObject note : notes) {
      assertServerTime(note.getString("created_at"));
      UUID.fromString(note.getString("id"));
    }
    assertNotEquals(question.getString("id"), answer.getString("id"));
    assertTrue(Instant.parse(question.getString("created_at")).compareTo(Instant.parse(answer.getString("created_at"))) <= 0,
      "notes in the order they were added");

    List<JsonObject> files = list(session, "files");
    assertEquals(1, files.size(), () -> "files " + files);
    JsonObject file = files.get(0);
    assertEquals("homework.pdf", file.getString("name"));
    assertEquals(homework, file.getString("url"));
    assertEquals(lesson.studentId(), file.getString("author_id"));
    assertEquals("2026-03-04T10:16:00.000Z", file.getString("timestamp"));
    assertServerTime(file.getString("created_at"));
    UUID.fromString(file.getString("id"));

    assertEquals(session, read(lesson.sessionId(), lesson.studentId()));
    assertEquals("pending", session.getString("status"));
  }

  @Test
  void aRetriedUpdateAddsNothingTwice() {
    Lesson lesson = seed.lesson(2);
    JsonObject body = notes(note("Chapter 3", "2026-03-04T10:00:00Z"), new JsonObject().put("text", "no time given"))
      .put("files", new JsonArray().add(file("slides.pdf", seed.fileUrl(lesson.studentId(), "slides.pdf"), "2026-03-04T10:00:00Z")));
    update(lesson.sessionId(), lesson.studentId(), body);
    update(lesson.sessionId(), lesson.studentId(), body);
    update(lesson.sessionId(), lesson.studentId(), body.copy());

    JsonObject session = read(lesson.sessionId(), lesson.studentId());
    assertEquals(List.of("Chapter 3", "no time given"),
      list(session, "notes").stream().map(n -> n.getString("text")).sorted().toList());
    assertEquals(1, session.getJsonArray("files").size(), () -> "files " + session.getJsonArray("files"));

    // The same words from the other party, or at another time, are another note.
    update(lesson.sessionId(), lesson.teacherId(), notes(note("Chapter 3", "2026-03-04T10:00:00Z")));
    update(lesson.sessionId(), lesson.studentId(), notes(note("Chapter 3", "2026-03-04T10:05:00Z")));
    assertEquals(4, read(lesson.sessionId(), lesson.teacherId()).getJsonArray("notes").size());
  }

  @Test
  void identicalRetriesArrivingTogetherAddEverythingOnce() {
    Lesson lesson = seed.lesson(2);
    JsonObject body = notes(note("Chapter 3", "2026-03-04T10:00:00Z"), new JsonObject().put("text", "no time given"))
      .put("files", new JsonArray().add(file("slides.pdf", seed.fileUrl(lesson.studentId(), "slides.pdf"), "2026-03-04T10:00:00Z")));
    // Notes and files reference the session, so each retry waits for it inside its own transaction.
    List<HttpResponse<Buffer>> responses = Race.heldBy(RowLock.on("sessions", "id", lesson.sessionId()), server, 20,
      i -> Entrant.of(HttpMethod.PUT, "/sessions/" + lesson.sessionId(), server.token(lesson.studentId()), body));
    responses.forEach(r -> assertJson(r, 200));

    JsonObject session = read(lesson.sessionId(), lesson.teacherId());
    assertEquals(List.of("Chapter 3", "no time given"),
      list(session, "notes").stream().map(n -> n.getString("text")).sorted().toList());
    assertEquals(1, session.getJsonArray("files").size(), () -> "files " + session.getJsonArray("files"));
  }

  @Test
  void notesWithAClientIdDedupeOnThatId() {
    Lesson lesson = seed.lesson(2);
    String id = UUID.randomUUID().toString();
    update(lesson.sessionId(), lesson.studentId(), notes(note("first draft", "2026-03-04T10:00:00Z").put("id", id)));
    update(lesson.sessionId(), lesson.studentId(), notes(note("second draft", "2026-03-04T10:01:00Z").put("id", id)));
    String other = UUID.randomUUID().toString();
    update(lesson.sessionId(), lesson.studentId(), notes(note("first draft", "2026-03-04T10:00:00Z").put("id", other)));

    List<JsonObject> notes = list(read(lesson.sessionId(), lesson.studentId()), "notes");
    assertEquals(2, notes.size(), () -> "notes " + notes);
    JsonObject kept = notes.stream().filter(n -> n.getString("id").equals(id)).findFirst().orElseThrow();
    assertEquals("first draft", kept.getString("text"));
    assertEquals("2026-03-04T10:00:00.000Z", kept.getString("timestamp"));
    assertEquals("first draft", notes.stream().filter(n -> n.getString("id").equals(other)).findFirst().orElseThrow()
      .getString("text"));

    assertError(put(lesson.sessionId(), lesson.studentId(), notes(note("bad id", "2026-03-04T10:00:00Z").put("id", "nope"))), 400);
    assertEquals(2, read(lesson.sessionId(), lesson.studentId()).getJsonArray("notes").size());
  }

  @Test
  void concurrentUpdatesFromBothPartiesLoseNoNote() {
    Lesson lesson = seed.lesson(2);
    List<HttpResponse<Buffer>> responses = Race.heldBy(RowLock.on("sessions", "id", lesson.sessionId()), server, 20,
      i -> Entrant.of(HttpMethod.PUT, "/sessions/" + lesson.sessionId(),
        server.token(i % 2 == 0 ? lesson.studentId() : lesson.teacherId()), notes(note("note " + i, "2026-03-04T10:00:00Z"))));
    responses.forEach(r -> assertJson(r, 200));

    List<JsonObject> notes = list(read(lesson.sessionId(), lesson.studentId()), "notes");
    assertEquals(IntStream.range(0, 20).mapToObj(i -> "note " + i).collect(Collectors.toSet()),
      notes.stream().map(n -> n.getString("text")).collect(Collectors.toSet()));
    assertEquals(20, notes.size());
    for (JsonObject note : notes) {
      int i = Integer.parseInt(note.getString("text").substring(5));
      assertEquals(i % 2 == 0 ? lesson.studentId() : lesson.teacherId(), note.getString("author_id"));
    }
  }

  @Test
  void aFileOutsideOurStorageIsRejectedWithEverythingElseInTheUpdate() {
    Lesson lesson = seed.lesson(2);
    String fine = seed.fileUrl(lesson.studentId(), "fine.pdf");
    String teachers = seed.fileUrl(lesson.teacherId(), "answers.pdf");
    for (String url : List.of("https://evil.example/files/x.pdf", "http://localhost:8080/filesystem/x.pdf",
      "http://localhost:8080/other/x.pdf", "file:///etc/passwd", storage + "uploads/never/issued/x.pdf",
      storage + "uploads/../../etc/passwd", teachers)) {
      JsonObject body = notes(note("see the attachment", "2026-03-04T10:00:00Z")).put("files", new JsonArray()
        .add(file("fine.pdf", fine, "2026-03-04T10:00:00Z"))
        .add(file("x.pdf", url, "2026-03-04T10:00:00Z")));
      assertError(put(lesson.sessionId(), lesson.studentId(), body), 400);
    }
    assertNothingAdded(lesson.sessionId(), lesson.teacherId());
  }

  @Test
  void invalidUpdatesAre400AndChangeNothing() {
    Lesson lesson = seed.lesson(2);
    String ok = "2026-03-04T10:00:00Z";
    JsonArray tooMany = new JsonArray();
    IntStream.range(0, 101).forEach(i -> tooMany.add(note("n" + i, ok)));
    List<JsonObject> bodies = List.of(
      new JsonObject(),
      new JsonObject().put("notes", "a note"),
      new JsonObject().put("notes", new JsonObject().put("text", "a note")),
      new JsonObject().put("notes", new JsonArray().add("a note")),
      notes(new JsonObject().put("timestamp", ok)),
      notes(note("", ok)),
      notes(note("   ", ok)),
      notes(new JsonObject().put("text", 42).put("timestamp", ok)),
      notes(note("x".repeat(10_001), ok)),
      notes(note("bad time", "yesterday")),
      notes(note("no offset", "2026-03-04T10:00:00")),
      notes(note("fine", ok), note("bad time", "2026-13-40T10:00:00Z")),
      new JsonObject().put("notes", tooMany),
      status("done"),
      status("PENDING"),
      new JsonObject().put("status", 3),
      status("active").put("notes", "oops"),
      new JsonObject().put("files", new JsonArray().add(new JsonObject().put("name", "no-url.pdf").put("timestamp", ok))),
      new JsonObject().put("files", new JsonArray().add(new JsonObject().put("url", storage + "no-name.pdf"))));
    for (JsonObject body : bodies) {
      HttpResponse<Buffer> response = put(lesson.sessionId(), lesson.studentId(), body);
      assertEquals(400, response.statusCode(), () -> "body " + body.encode().substring(0, Math.min(200, body.encode().length()))
        + " answered " + response.statusCode() + " " + response.bodyAsString());
      assertError(response, 400);
    }
    JsonObject session = read(lesson.sessionId(), lesson.studentId());
    assertEquals("pending", session.getString("status"));
    assertEquals(new JsonArray(), session.getJsonArray("notes"));
    assertEquals(new JsonArray(), session.getJsonArray("files"));

    assertError(put(UUID.randomUUID().toString(), lesson.studentId(), notes(note("lost", ok))), 404);
    assertError(put("not-a-uuid", lesson.studentId(), notes(note("lost", ok))), 400);
  }

  @Test
  void updatesAtTheLimitsAreAccepted() {
    Lesson lesson = seed.lesson(2);
    JsonArray hundred = new JsonArray();
    IntStream.range(0, 100).forEach(i -> hundred.add(note("n" + i, "2026-03-04T10:00:00Z")));
    update(lesson.sessionId(), lesson.studentId(), new JsonObject().put("notes", hundred));
    update(lesson.sessionId(), lesson.teacherId(), notes(note("x".repeat(10_000), "2026-03-04T10:00:00Z")));
    List<JsonObject> notes = list(read(lesson.sessionId(), lesson.studentId()), "notes");
    assertEquals(101, notes.size());
    assertTrue(notes.stream().anyMatch(n -> n.getString("text").length() == 10_000));
  }

  @Test
  void statusMovesForwardOnlyAndCompletingCompletesTheBooking() {
    Lesson lesson = seed.lesson(2);
    String sid = lesson.sessionId();
    update(sid, lesson.teacherId(), status("active"));
    assertEquals("active", read(sid, lesson.studentId()).getString("status"));
    assertError(put(sid, lesson.studentId(), status("pending")), 409);
    // All or nothing: a refused status change adds none of the notes sent with it.
    assertError(put(sid, lesson.studentId(), status("pending").put("notes", new JsonArray().add(note("lost", "2026-03-04T10:00:00Z")))), 409);
    assertNothingAdded(sid, lesson.studentId());
    update(sid, lesson.studentId(), status("active"));
    assertEquals("active", read(sid, lesson.studentId()).getString("status"));
    assertEquals("confirmed", bookingStatus(lesson.bookingId(), lesson.studentId()));

    // The lesson has not started yet: completing it then is refused, and so is the note sent with it.
    assertEquals("the session completes its booking, which can be completed only once its start_time has passed",
      assertError(put(sid, lesson.studentId(), status("completed").put("notes", new JsonArray().add(note("early", "2026-03-04T10:30:00Z")))), 409)
        .getString("message"));
    assertEquals("active", read(sid, lesson.studentId()).getString("status"));
    assertEquals("confirmed", bookingStatus(lesson.bookingId(), lesson.studentId()));
    assertNothingAdded(sid, lesson.studentId());

    Seed.lessonTimeCame(lesson.bookingId());
    update(sid, lesson.studentId(), status("completed").put("notes", new JsonArray().add(note("well done", "2026-03-04T11:00:00Z"))));
    JsonObject done = read(sid, lesson.teacherId());
    assertEquals("completed", done.getString("status"));
    assertEquals(1, done.getJsonArray("notes").size());
    assertEquals("completed", bookingStatus(lesson.bookingId(), lesson.teacherId()));

    assertError(put(sid, lesson.teacherId(), status("active")), 409);
    assertError(put(sid, lesson.teacherId(), status("pending")), 409);
    assertEquals("completed", read(sid, lesson.teacherId()).getString("status"));

    // Completing again changes nothing, the booking included.
    HttpResponse<Buffer> before = api.get("/bookings/" + lesson.bookingId(), server.token(lesson.studentId()));
    update(sid, lesson.teacherId(), status("completed"));
    HttpResponse<Buffer> after = api.get("/bookings/" + lesson.bookingId(), server.token(lesson.studentId()));
    assertEquals("completed", assertJson(after, 200).getString("status"));
    assertEquals(before.getHeader("ETag"), after.getHeader("ETag"), "a no-op completion leaves the booking's version alone");
    assertEquals(assertJson(before, 200).getString("updated_at"), after.bodyAsJsonObject().getString("updated_at"));
  }

  @Test
  void bothPartiesCompletingAtOnceCompleteTheSessionAndItsBookingOnce() {
    Lesson lesson = seed.lesson(2);
    Seed.lessonTimeCame(lesson.bookingId());
    String before = api.get("/bookings/" + lesson.bookingId(), server.token(lesson.studentId())).getHeader("ETag");
    // Each completion moves the session's row, so each waits for it inside its own transaction.
    List<HttpResponse<Buffer>> responses = Race.heldBy(RowLock.on("sessions", "id", lesson.sessionId()), server, 20,
      i -> Entrant.of(HttpMethod.PUT, "/sessions/" + lesson.sessionId(),
        server.token(i % 2 == 0 ? lesson.studentId() : lesson.teacherId()), status("completed")));
    responses.forEach(r -> assertJson(r, 200));

    assertEquals("completed", read(lesson.sessionId(), lesson.teacherId()).getString("status"));
    HttpResponse<Buffer> after = api.get("/bookings/" + lesson.bookingId(), server.token(lesson.studentId()));
    assertEquals("completed", assertJson(after, 200).getString("status"));
    assertEquals(version(before) + 1, version(after.getHeader("ETag")), "the booking completed once");
  }

  @Test
  void aSessionCompletedWhileTheOtherPartyCompletesItsBookingStillCompletes() {
    Lesson lesson = seed.lesson(2);
    Seed.lessonTimeCame(lesson.bookingId());
    String before = api.get("/bookings/" + lesson.bookingId(), server.token(lesson.studentId())).getHeader("ETag");
    HttpResponse<Buffer> completion;
    // The session's completion has read the booking as confirmed and waits to move the session's row
    // while the teacher completes the booking itself.
    try (RowLock session = RowLock.on("sessions", "id", lesson.sessionId())) {
      Future<HttpResponse<Buffer>> pending = api.request(HttpMethod.PUT, "/sessions/" + lesson.sessionId())
        .bearerTokenAuthentication(server.token(lesson.studentId())).sendJsonObject(status("completed"));
      session.awaitWaiting(1);
      assertJson(api.send(HttpMethod.PATCH, "/bookings/" + lesson.bookingId(), server.token(lesson.teacherId()),
        new JsonObject().put("status", "completed")), 200);
      session.release();
      completion = pending.await();
    }

    assertEquals("Session updated successfully", assertJson(completion, 200).getString("message"));
    assertEquals("completed", read(lesson.sessionId(), lesson.teacherId()).getString("status"));
    HttpResponse<Buffer> after = api.get("/bookings/" + lesson.bookingId(), server.token(lesson.studentId()));
    assertEquals("completed", assertJson(after, 200).getString("status"));
    assertEquals(version(before) + 1, version(after.getHeader("ETag")), "the booking completed once");
  }

  @Test
  void aSessionOfAPendingBookingCannotComplete() {
    Booking booking = pendingBooking();
    String sid = assertJson(create(booking.bookingId(), booking.studentId()), 201).getString("session_id");
    assertError(put(sid, booking.teacherId(), status("completed")), 409);
    assertEquals("pending", read(sid, booking.studentId()).getString("status"));
    assertEquals("pending", bookingStatus(booking.bookingId(), booking.studentId()));

    update(sid, booking.teacherId(), status("active"));
    assertError(put(sid, booking.studentId(), status("completed")), 409);
    assertEquals("active", read(sid, booking.studentId()).getString("status"));
    assertEquals("pending", bookingStatus(booking.bookingId(), booking.studentId()));

    // Once the teacher confirms, the same request completes both.
    assertJson(api.send(HttpMethod.PATCH, "/bookings/" + booking.bookingId(), server.token(booking.teacherId()),
      new JsonObject().put("status", "confirmed")), 200);
    Seed.lessonTimeCame(booking.bookingId());
    update(sid, booking.studentId(), status("completed"));
    assertEquals("completed", read(sid, booking.studentId()).getString("status"));
    assertEquals("completed", bookingStatus(booking.bookingId(), booking.studentId()));
  }

  @Test
  void aStrangerChangesNothing() {
    Lesson lesson = seed.lesson(2);
    String stranger = seed.teacher("Physics");
    assertError(put(lesson.sessionId(), stranger, notes(note("hello", "2026-03-04T10:00:00Z"))
      .put("files", new JsonArray().add(file("spam.pdf", storage + "spam.pdf", "2026-03-04T10:00:00Z")))), 403);
    assertError(put(lesson.sessionId(), stranger, status("active")), 403);
    assertError(put(lesson.sessionId(), stranger, status("completed")), 403);

    JsonObject session = read(lesson.sessionId(), lesson.studentId());
    assertEquals("pending", session.getString("status"));
    assertEquals(new JsonArray(), session.getJsonArray("notes"));
    assertEquals(new JsonArray(), session.getJsonArray("files"));
    assertEquals("confirmed", bookingStatus(lesson.bookingId(), lesson.studentId()));
  }

  /** The booking version an ETag names. */
  private static int version(String etag) {
    return Integer.parseInt(etag.substring(1, etag.length() - 1));
  }
}
