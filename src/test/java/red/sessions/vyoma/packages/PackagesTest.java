package red.sessions.vyoma.packages;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import red.sessions.vyoma.support.LessonEvents;
import red.sessions.vyoma.support.Race;
import red.sessions.vyoma.support.Race.Entrant;
import red.sessions.vyoma.support.RowLock;
import red.sessions.vyoma.support.Seed;
import red.sessions.vyoma.support.ServerTest;
import red.sessions.vyoma.support.TestServer;
import red.sessions.vyoma.support.Wait;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.support.Api.assertError;
import static red.sessions.vyoma.support.Api.assertJson;
import static red.sessions.vyoma.support.Schedules.everyDay;
import static red.sessions.vyoma.support.Schedules.rules;
import static red.sessions.vyoma.support.Schedules.schedule;
import static red.sessions.vyoma.support.Seed.bookingBody;
import static red.sessions.vyoma.support.Seed.hoursAhead;

/**
 * Lesson packages through HTTP: granting, the cancellation policy's every branch, no-shows weighed by the
 * meeting's attendee records, and a ledger that always sums to {@code remaining} and never goes below zero.
 */
class PackagesTest extends ServerTest {

  /** A teacher available around the clock, whose bookings need a package, free to cancel until 24 h before. */
  static String packageTeacher() {
    String teacher = seed.teacher("Piano");
    seed.schedule(teacher, schedule("UTC", everyDay("00:00", "24:00"), new JsonArray(),
      rules(0, 0, 15, 365).put("cancellation", new JsonObject().put("free_until_hours_before", 24)).put("requires_package", true)));
    return teacher;
  }

  static JsonObject grant(String granterToken, String studentId, String teacherId, int lessons, OffsetDateTime expiresAt) {
    JsonObject body = new JsonObject().put("student_id", studentId).put("teacher_id", teacherId).put("lessons", lessons);
    if (expiresAt != null) {
      body.put("expires_at", expiresAt.toString());
    }
    return assertJson(api.post("/packages", granterToken, body), 201);
  }

  static String admin() {
    return server.adminToken("billing-" + UUID.randomUUID());
  }

  static JsonObject read(String packageId, String userId) {
    JsonObject found = assertJson(api.get("/packages/" + packageId, server.token(userId)), 200);
    int sum = found.getJsonArray("ledger").stream().mapToInt(entry -> ((JsonObject) entry).getInteger("change")).sum();
    assertEquals(found.getInteger("remaining"), sum, () -> "the ledger sums to remaining: " + found.encode());
    assertTrue(found.getInteger("remaining") >= 0);
    return found;
  }

  static List<String> reasons(JsonObject found) {
    return found.getJsonArray("ledger").stream().map(entry -> ((JsonObject) entry).getString("reason")).toList();
  }

  static HttpResponse<Buffer> book(String studentId, String teacherId, int hoursAhead) {
    return api.post("/bookings", server.token(studentId), bookingBody(studentId, teacherId, hoursAhead(hoursAhead),
      hoursAhead(hoursAhead + 1)));
  }

  static JsonObject cancel(String bookingId, String userId) {
    return assertJson(api.send(HttpMethod.PATCH, "/bookings/" + bookingId, server.token(userId),
      new JsonObject().put("status", "cancelled")), 200);
  }

  static void confirm(String bookingId, String teacherId) {
    assertJson(api.send(HttpMethod.PATCH, "/bookings/" + bookingId, server.token(teacherId),
      new JsonObject().put("status", "confirmed")), 200);
  }

  static HttpResponse<Buffer> noShow(String bookingId, String userId, String absent) {
    return api.post("/bookings/" + bookingId + "/no-show", server.token(userId), new JsonObject().put("absent", absent));
  }

  @Test
  void anAdminOrTheTeacherGrantsAPackageAndOnlyThePartiesSeeIt() {
    String teacher = seed.teacher();
    String student = seed.student();
    JsonObject granted = grant(admin(), student, teacher, 10, null);
    assertEquals(10, granted.getInteger("lessons"));
    assertEquals(10, granted.getInteger("remaining"));
    assertNull(granted.getString("expires_at"));
    assertEquals(List.of("granted"), reasons(granted));
    String id = granted.getString("package_id");
    assertEquals(granted, read(id, student));
    assertEquals(granted, read(id, teacher));

    JsonObject gift = grant(server.token(teacher), student, teacher, 2, OffsetDateTime.now(ZoneOffset.UTC).plusDays(30));
    JsonArray listed = new JsonArray(api.get("/packages?student_id=" + student, server.token(student)).bodyAsString());
    assertEquals(List.of(id, gift.getString("package_id")),
      listed.stream().map(p -> ((JsonObject) p).getString("package_id")).toList());
    assertEquals(listed, new JsonArray(api.get("/packages?teacher_id=" + teacher + "&student_id=" + student,
      server.token(teacher)).bodyAsString()));

    String stranger = seed.student();
    assertError(api.get("/packages/" + id, server.token(stranger)), 403);
    assertError(api.get("/packages?student_id=" + student, server.token(stranger)), 403);
    assertError(api.get("/packages", server.token(student)), 400);
    assertError(api.get("/packages/" + UUID.randomUUID(), server.token(student)), 404);
    JsonObject body = new JsonObject().put("student_id", student).put("teacher_id", teacher).put("lessons", 3);
    assertError(api.post("/packages", server.token(student), body), 403);
    assertError(api.post("/packages", server.token(seed.teacher()), body), 403);
  }

  @Test
  void anInvalidGrantIs400AndGrantsNothing() {
    String teacher = seed.teacher();
    String student = seed.student();
    JsonObject valid = new JsonObject().put("student_id", student).put("teacher_id", teacher).put("lessons", 3);
    for (JsonObject body : List.of(valid.copy().put("lessons", 0), valid.copy().put("lessons", 1001),
      valid.copy().put("lessons", "3"), valid.copy().put("expires_at", OffsetDateTime.now().minusDays(1).toString()),
      valid.copy().put("expires_at", "soon"), valid.copy().put("teacher_id", student).put("student_id", teacher),
      valid.copy().put("student_id", "nobody-" + UUID.randomUUID()), valid.copy().put("teacher_id", student))) {
      assertError(api.post("/packages", admin(), body), 400);
    }
    assertEquals(new JsonArray(), new JsonArray(api.get("/packages?student_id=" + student, server.token(student)).bodyAsString()));
  }

  @Test
  void aTeacherWhoRequiresAPackageIsBookedOnlyWithALessonLeftFromThePackageThatExpiresFirst() {
    String teacher = packageTeacher();
    String student = seed.student();
    assertEquals("no lessons left in a package with this teacher", assertError(book(student, teacher, 30), 409).getString("message"));
    assertEquals(new JsonArray(), new JsonArray(api.get("/bookings?student_id=" + student, server.token(student)).bodyAsString()));

    String later = grant(admin(), student, teacher, 1, null).getString("package_id");
    String sooner = grant(admin(), student, teacher, 1, OffsetDateTime.now(ZoneOffset.UTC).plusDays(10)).getString("package_id");
    String first = assertJson(book(student, teacher, 30), 201).getString("booking_id");
    assertEquals(sooner, assertJson(api.get("/bookings/" + first, server.token(student)), 200).getString("package_id"));
    // A lesson after the sooner package expires could not come from it anyway.
    String second = assertJson(book(student, teacher, 24 * 20), 201).getString("booking_id");
    assertEquals(later, assertJson(api.get("/bookings/" + second, server.token(student)), 200).getString("package_id"));
    assertEquals("no lessons left in a package with this teacher", assertError(book(student, teacher, 40), 409).getString("message"));

    JsonObject used = read(sooner, student);
    assertEquals(0, used.getInteger("remaining"));
    assertEquals(List.of("granted", "booked"), reasons(used));
    assertEquals(first, used.getJsonArray("ledger").getJsonObject(1).getString("booking_id"));
    assertEquals(-1, used.getJsonArray("ledger").getJsonObject(1).getInteger("change"));
  }

  @Test
  void aLessonStartingAfterThePackageExpiresIsNotTakenFromIt() {
    String teacher = packageTeacher();
    String student = seed.student();
    String id = grant(admin(), student, teacher, 5, hoursAhead(10)).getString("package_id");
    assertError(book(student, teacher, 12), 409);
    assertJson(book(student, teacher, 5), 201);
    assertEquals(4, read(id, student).getInteger("remaining"));
  }

  @Test
  void aStudentNamesThePackageEvenWhereTheTeacherRequiresNone() {
    String teacher = seed.teacher();
    seed.schedule(teacher, schedule("UTC", everyDay("00:00", "24:00"), new JsonArray(), rules(0, 0, 15, 365)));
    String student = seed.student();
    String id = grant(server.token(teacher), student, teacher, 2, null).getString("package_id");
    assertNull(assertJson(api.get("/bookings/" + assertJson(book(student, teacher, 30), 201).getString("booking_id"),
      server.token(student)), 200).getValue("package_id"));
    JsonObject named = bookingBody(student, teacher, hoursAhead(40), hoursAhead(41)).put("package_id", id);
    String booking = assertJson(api.post("/bookings", server.token(student), named), 201).getString("booking_id");
    assertEquals(id, assertJson(api.get("/bookings/" + booking, server.token(student)), 200).getString("package_id"));
    assertEquals(1, read(id, student).getInteger("remaining"));

    JsonObject otherStudents = bookingBody(seed.student(), teacher, hoursAhead(50), hoursAhead(51)).put("package_id", id);
    assertError(api.post("/bookings", server.token(otherStudents.getString("student_id")), otherStudents), 409);
    assertEquals(1, read(id, student).getInteger("remaining"));
  }

  @Test
  void theCancellationPolicyGivesTheLessonBackOrKeepsItUsed() {
    String teacher = packageTeacher();
    String student = seed.student();
    String id = grant(admin(), student, teacher, 5, null).getString("package_id");

    // At least 24 hours ahead: free.
    String early = assertJson(book(student, teacher, 30), 201).getString("booking_id");
    assertFalse(cancel(early, student).getBoolean("late_cancellation"));
    // Less than 24 hours ahead: late, the lesson stays used.
    String late = assertJson(book(student, teacher, -14), 201).getString("booking_id");
    confirm(late, teacher);
    assertTrue(cancel(late, student).getBoolean("late_cancellation"));
    // The teacher cancelling gives it back, however late.
    String byTeacher = assertJson(book(student, teacher, -12), 201).getString("booking_id");
    assertFalse(cancel(byTeacher, teacher).getBoolean("late_cancellation"));

    JsonObject after = read(id, student);
    assertEquals(List.of("granted", "booked", "cancelled_in_time", "booked", "late_cancellation", "booked", "teacher_cancelled"),
      reasons(after));
    assertEquals(4, after.getInteger("remaining"));
  }

  @Test
  void aMovedLessonTravelsWithItsBookingAndThePolicyAppliesToTheNewTime() {
    String teacher = packageTeacher();
    String student = seed.student();
    String id = grant(admin(), student, teacher, 1, null).getString("package_id");
    String booking = assertJson(book(student, teacher, 30), 201).getString("booking_id");
    JsonObject moved = assertJson(api.post("/bookings/" + booking + "/reschedule", server.token(student),
      Seed.times(hoursAhead(-14), hoursAhead(-13))), 200);
    assertEquals(id, moved.getString("package_id"));
    assertTrue(cancel(booking, student).getBoolean("late_cancellation"));
    JsonObject after = read(id, student);
    assertEquals(List.of("granted", "booked", "rescheduled", "late_cancellation"), reasons(after));
    assertEquals(0, after.getInteger("remaining"));
  }

  @Test
  void anAbsentStudentUsesTheLessonAndAnAbsentTeacherGivesItBack() {
    String teacher = packageTeacher();
    String student = seed.student();
    String id = grant(admin(), student, teacher, 2, null).getString("package_id");
    String missed = assertJson(book(student, teacher, 30), 201).getString("booking_id");
    confirm(missed, teacher);
    assertEquals("a no-show can be reported from 10 minutes after the start",
      assertError(noShow(missed, teacher, "student"), 409).getString("message"));
    Seed.lessonStartedAgo(missed, Duration.ofMinutes(15));
    assertError(noShow(missed, student, "student"), 403);
    assertError(api.post("/bookings/" + missed + "/no-show", server.token(teacher), new JsonObject().put("absent", "nobody")), 400);
    JsonObject completed = assertJson(noShow(missed, teacher, "student"), 200);
    assertEquals("completed", completed.getString("status"));
    assertEquals("student", completed.getString("no_show"));
    assertEquals("a no-show was already reported for this booking",
      assertError(noShow(missed, student, "teacher"), 409).getString("message"));

    String stoodUp = assertJson(book(student, teacher, 40), 201).getString("booking_id");
    confirm(stoodUp, teacher);
    Seed.lessonStartedAgo(stoodUp, Duration.ofHours(3));
    JsonObject cancelled = assertJson(noShow(stoodUp, student, "teacher"), 200);
    assertEquals("cancelled", cancelled.getString("status"));
    assertEquals("teacher", cancelled.getString("no_show"));

    JsonObject after = read(id, student);
    assertEquals(List.of("granted", "booked", "student_no_show", "booked", "teacher_no_show"), reasons(after));
    assertEquals(1, after.getInteger("remaining"));
  }

  @Test
  void aReportIsRefusedWhenTheMeetingShowsTheAccusedJoinedOrTheWindowHasPassed() {
    Seed.Lesson lesson = seed.lesson(30);
    String meeting = assertJson(api.post("/meetings", server.token(lesson.studentId()),
      new JsonObject().put("session_id", lesson.sessionId())), 201).getString("meeting_id");
    assertJson(api.post("/attendees", server.token(lesson.studentId()), new JsonObject().put("meeting_id", meeting)
      .put("user_id", lesson.studentId()).put("name", "Sam")), 201);
    Seed.lessonStartedAgo(lesson.bookingId(), Duration.ofMinutes(30));
    assertEquals("the meeting's records show the student joined the session's meeting",
      assertError(noShow(lesson.bookingId(), lesson.teacherId(), "student"), 409).getString("message"));
    assertEquals("teacher", assertJson(noShow(lesson.bookingId(), lesson.studentId(), "teacher"), 200).getString("no_show"));

    Seed.Lesson old = seed.lesson(50);
    Seed.lessonStartedAgo(old.bookingId(), Duration.ofHours(52));
    assertEquals("a no-show can be reported until 48 hours after the end",
      assertError(noShow(old.bookingId(), old.teacherId(), "student"), 409).getString("message"));
    assertEquals("confirmed", assertJson(api.get("/bookings/" + old.bookingId(), server.token(old.studentId())), 200)
      .getString("status"));
  }

  @Test
  void aCancellationAndANoShowRacingForOneBookingGiveTheLessonBackOnce() {
    String teacher = packageTeacher();
    String student = seed.student();
    String id = grant(admin(), student, teacher, 1, null).getString("package_id");
    String booking = assertJson(book(student, teacher, 30), 201).getString("booking_id");
    confirm(booking, teacher);
    Seed.lessonStartedAgo(booking, Duration.ofMinutes(20));
    List<HttpResponse<Buffer>> responses = Race.heldBy(RowLock.on("bookings", "id", booking), server, Race.MIN_RACERS,
      i -> i % 2 == 0
        ? Entrant.of(HttpMethod.PATCH, "/bookings/" + booking, server.token(teacher), new JsonObject().put("status", "cancelled"))
        : Entrant.of(HttpMethod.POST, "/bookings/" + booking + "/no-show", server.token(student), new JsonObject().put("absent", "teacher")));
    assertEquals(1, responses.stream().filter(response -> response.statusCode() == 200).count());
    responses.stream().filter(response -> response.statusCode() != 200).forEach(response -> assertError(response, 409));
    JsonObject after = read(id, student);
    assertEquals(1, after.getInteger("remaining"));
    assertEquals(3, after.getJsonArray("ledger").size());
  }

  @Test
  void bookingsRacingForTheLastLessonsTakeNoMoreThanThePackageHolds() {
    String teacher = packageTeacher();
    String student = seed.student();
    String id = grant(admin(), student, teacher, 3, null).getString("package_id");
    List<HttpResponse<Buffer>> responses = Race.heldBy(RowLock.on("profiles", "user_id", student), server, Race.MIN_RACERS,
      i -> Entrant.of(HttpMethod.POST, "/bookings", server.token(student),
        bookingBody(student, teacher, hoursAhead(30 + 2 * i), hoursAhead(31 + 2 * i))));
    assertEquals(3, responses.stream().filter(response -> response.statusCode() == 201).count());
    responses.stream().filter(response -> response.statusCode() != 201).forEach(response ->
      assertEquals("no lessons left in a package with this teacher", assertError(response, 409).getString("message")));
    JsonObject after = read(id, student);
    assertEquals(0, after.getInteger("remaining"));
  }

  @Test
  void aBookingsEventsCarryTheBookingAndThePackageAsTheyWereWritten() {
    // The booking's write sends its events with the row and the package's state it made, without reading them
    // back: what the events carry must be what the reads show.
    String teacher = packageTeacher();
    String student = seed.student();
    String id = grant(admin(), student, teacher, 3, null).getString("package_id");
    String booked = assertJson(book(student, teacher, 30), 201).getString("booking_id");

    List<JsonObject> events = LessonEvents.eventsOf(server, server.token(student), "", 3);
    assertEquals(List.of("package.created", "package.lesson_used", "booking.created"),
      events.stream().map(event -> event.getString("type")).toList());
    assertEquals(read(id, student), events.get(1).getJsonObject("data"));
    assertEquals(assertJson(api.get("/bookings/" + booked, server.token(student)), 200), events.get(2).getJsonObject("data"));
  }

  @Test
  void lessonsUsedAndGivenBackMovesAndNoShowsAreEventsOfTheirParties() {
    String teacher = packageTeacher();
    String student = seed.student();
    String id = grant(admin(), student, teacher, 2, null).getString("package_id");
    String moved = assertJson(book(student, teacher, 30), 201).getString("booking_id");
    assertJson(api.post("/bookings/" + moved + "/reschedule", server.token(teacher),
      Seed.times(hoursAhead(32), hoursAhead(33))), 200);
    cancel(moved, teacher);
    String missed = assertJson(book(student, teacher, 40), 201).getString("booking_id");
    confirm(missed, teacher);
    Seed.lessonStartedAgo(missed, Duration.ofMinutes(15));
    assertJson(noShow(missed, teacher, "student"), 200);

    List<JsonObject> events = LessonEvents.eventsOf(server, server.token(student), "", 10);
    assertEquals(List.of("package.created", "package.lesson_used", "booking.created", "booking.rescheduled",
        "package.lesson_returned", "booking.cancelled", "package.lesson_used", "booking.created", "booking.confirmed",
        "booking.no_show"),
      events.stream().map(event -> event.getString("type")).toList());
    List<JsonObject> ofPackage = events.stream().filter(event -> event.getString("type").startsWith("package.")).toList();
    assertEquals(List.of(1L, 2L, 3L, 4L), ofPackage.stream().map(event -> event.getLong("sequence")).toList());
    assertTrue(ofPackage.stream().allMatch(event -> event.getJsonObject("subject").getString("package_id").equals(id)));
    assertEquals(moved, ofPackage.get(2).getJsonObject("subject").getString("booking_id"));
    // Each carries the package as that change left it: the no-show's entry (0) came after the last one.
    JsonObject now = read(id, student);
    now.getJsonArray("ledger").remove(5);
    assertEquals(now, ofPackage.get(3).getJsonObject("data"));
    assertEquals(List.of(student, teacher), ofPackage.get(0).getJsonArray("users").getList());
    JsonObject noShow = events.get(9).getJsonObject("data");
    assertEquals("student", noShow.getString("no_show"));
    assertEquals("completed", noShow.getString("status"));
    assertEquals(List.of(), LessonEvents.eventsOf(server, server.token(seed.student()), "", 0));
  }

  @Test
  void whatIsLeftOfAnExpiredPackageExpiresInTheLedger() {
    try (TestServer sweeping = TestServer.start(Map.of("VYOMA_PACKAGES_EXPIRY_INTERVAL_SECONDS", "1"))) {
      Seed seed = sweeping.seed();
      String teacher = seed.teacher();
      String student = seed.student();
      String id = assertJson(sweeping.api().post("/packages", sweeping.adminToken("billing"), new JsonObject()
        .put("student_id", student).put("teacher_id", teacher).put("lessons", 4)
        .put("expires_at", OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(2).toString())), 201).getString("package_id");
      JsonObject expired = null;
      for (int i = 0; i < 100 && (expired == null || expired.getInteger("remaining") > 0); i++) {
        Wait.sleep(100);
        expired = assertJson(sweeping.api().get("/packages/" + id, sweeping.token(student)), 200);
      }
      assertEquals(0, expired.getInteger("remaining"), expired::encode);
      assertEquals(List.of("granted", "expired"), reasons(expired));
      assertEquals(-4, expired.getJsonArray("ledger").getJsonObject(1).getInteger("change"));
    }
  }
}
