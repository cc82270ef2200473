package red.sessions.vyoma.bookings;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import red.sessions.vyoma.support.ServerTest;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.support.Api.assertError;
import static red.sessions.vyoma.support.Api.assertJson;
import static red.sessions.vyoma.support.Seed.bookingBody;
import static red.sessions.vyoma.support.Seed.hoursAhead;

class BookingsTest extends ServerTest {


  /** A teacher with one slot from 1 to 5 hours ahead. */
  private static String teacherWithSlot() {
    String teacher = seed.teacher("Physics");
    seed.slot(teacher, hoursAhead(1), hoursAhead(5));
    return teacher;
  }

  private static JsonObject read(String bookingId, String userId) {
    return assertJson(api.get("/bookings/" + bookingId, server.token(userId)), 200);
  }

  private static HttpResponse<Buffer> patch(String bookingId, String userId, String status) {
    return api.send(HttpMethod.PATCH, "/bookings/" + bookingId, server.token(userId), new JsonObject().put("status", status));
  }

  @Test
  void studentAndTeacherGoFromBookingToCompletion() {
    String teacher = teacherWithSlot();
    String student = seed.student();
    JsonObject created = assertJson(api.post("/bookings", server.token(student),
      bookingBody(student, teacher, hoursAhead(2), hoursAhead(3))), 201);
    assertEquals("Booking created successfully", created.getString("message"));
    String id = created.getString("booking_id");

    JsonObject booking = read(id, student);
    assertEquals(id, booking.getString("booking_id"));
    assertEquals(student, booking.getString("student_id"));
    assertEquals(teacher, booking.getString("teacher_id"));
    assertEquals("pending", booking.getString("status"));
    assertEquals(hoursAhead(2).toInstant(), OffsetDateTime.parse(booking.getString("start_time")).toInstant());
    assertTrue(booking.getString("end_time").endsWith(":00:00.000Z"), booking.getString("end_time"));
    assertTrue(booking.containsKey("created_at"));

    assertEquals("confirmed", assertJson(patch(id, teacher, "confirmed"), 200).getString("status"));
    assertEquals("completed", assertJson(patch(id, student, "completed"), 200).getString("status"));
    assertEquals("completed", read(id, teacher).getString("status"));

    JsonArray students = new JsonArray(api.get("/bookings?student_id=" + student, server.token(student)).bodyAsString());
    JsonArray teachers = new JsonArray(api.get("/bookings?teacher_id=" + teacher, server.token(teacher)).bodyAsString());
    assertEquals(List.of(id), students.stream().map(b -> ((JsonObject) b).getString("booking_id")).toList());
    assertEquals(List.of(id), teachers.stream().map(b -> ((JsonObject) b).getString("booking_id")).toList());
  }

  @Test
  void eitherPartyCancelsWithAReasonAndTheTimeIsFreeAtOnce() {
    String teacher = teacherWithSlot();
    String student = seed.student();
    String id = seed.booking(student, teacher, hoursAhead(2), hoursAhead(3));

    JsonObject cancelled = assertJson(api.send(HttpMethod.PATCH, "/bookings/" + id, server.token(teacher),
      new JsonObject().put("status", "cancelled").put("reason", "I am ill")), 200);
    assertEquals("cancelled", cancelled.getString("status"));
    assertEquals("I am ill", cancelled.getString("cancel_reason"));

    String again = seed.booking(seed.student(), teacher, hoursAhead(2), hoursAhead(3));
    assertNotEquals(id, again);
  }

  @Test
  void theTeachersProfileEmailIsShownToTheirStudents() {
    String teacher = teacherWithSlot();
    String student = seed.student();
    String stranger = seed.student();
    seed.booking(student, teacher, hoursAhead(2), hoursAhead(3));
    JsonObject seenByStudent = assertJson(api.get("/profiles?user_id=" + teacher, server.token(student)), 200);
    assertEquals(teacher + "@example.com", seenByStudent.getJsonObject("profile").getString("email"));
    JsonObject seenByTeacher = assertJson(api.get("/profiles?user_id=" + student, server.token(teacher)), 200);
    assertEquals(student + "@example.com", seenByTeacher.getJsonObject("profile").getString("email"));
    JsonObject seenByStranger = assertJson(api.get("/profiles?user_id=" + teacher, server.token(stranger)), 200);
    assertNull(seenByStranger.getJsonObject("profile").getString("email"));
  }

  @Test
  void overlappingBookingOfTheSameTeacherIs409() {
    String teacher = teacherWithSlot();
    seed.booking(seed.student(), teacher, hoursAhead(2), hoursAhead(3));
    String other = seed.student();
    JsonObject error = assertError(api.post("/bookings", server.token(other),
      bookingBody(other, teacher, hoursAhead(2).plusMinutes(30), hoursAhead(3).plusMinutes(30))), 409);
    assertEquals("the teacher already has a booking at that time", error.getString("message"));
    seed.booking(other, teacher, hoursAhead(3), hoursAhead(4));
  }

  @Test
  void aStudentCannotHoldTwoLessonsAtOnce() {
    String student = seed.student();
    seed.booking(student, teacherWithSlot(), hoursAhead(2), hoursAhead(3));
    String second = teacherWithSlot();
    JsonObject error = assertError(api.post("/bookings", server.token(student),
      bookingBody(student, second, hoursAhead(2), hoursAhead(3))), 409);
    assertEquals("the student already has a booking at that time", error.getString("message"));
  }

  @Test
  void aBookingMustLieInsideOneSlot() {
    String teacher = teacherWithSlot();
    String student = seed.student();
    assertError(api.post("/bookings", server.token(student),
      bookingBody(student, teacher, hoursAhead(4), hoursAhead(6))), 409);
    assertError(api.post("/bookings", server.token(student),
      bookingBody(student, teacher, hoursAhead(10), hoursAhead(11))), 409);
    assertEquals(0, new JsonArray(api.get("/bookings?student_id=" + student, server.token(student)).bodyAsString()).size());
  }

  @Test
  void invalidBookingsAre400() {
    String teacher = teacherWithSlot();
    String student = seed.student();
    String token = server.token(student);
    assertError(api.post("/bookings", token, bookingBody(student, teacher, hoursAhead(3), hoursAhead(2))), 400);
    assertError(api.post("/bookings", token, bookingBody(student, teacher, hoursAhead(2), hoursAhead(2).plusMinutes(10))), 400);
    assertError(api.post("/bookings", token, bookingBody(student, teacher, hoursAhead(-48), hoursAhead(-47))), 400);
    assertError(api.post("/bookings", token, bookingBody(student, student, hoursAhead(2), hoursAhead(3))), 400);
    assertError(api.post("/bookings", token, bookingBody(student, seed.student(), hoursAhead(2), hoursAhead(3))), 400);
    assertError(api.post("/bookings", token, bookingBody(student, teacher, hoursAhead(2), hoursAhead(3)).put("start_time", "soon")), 400);
    assertError(api.post("/bookings", token, bookingBody(student, teacher, hoursAhead(2), hoursAhead(3)).putNull("teacher_id")), 400);
    String noProfile = "nobody-" + student;
    assertError(api.post("/bookings", server.token(noProfile), bookingBody(noProfile, teacher, hoursAhead(2), hoursAhead(3))), 400);
  }

  @Test
  void aBookingIsMadeOnlyByTheStudentItNames() {
    String teacher = teacherWithSlot();
    String student = seed.student();
    assertError(api.post("/bookings", server.token(seed.student()), bookingBody(student, teacher, hoursAhead(2), hoursAhead(3))), 403);
    assertJson(api.post("/bookings", server.adminToken("root"), bookingBody(student, teacher, hoursAhead(2), hoursAhead(3))), 201);
  }

  @Test
  void bookingsAreSeenOnlyByTheirPartiesAndAdmins() {
    String teacher = teacherWithSlot();
    String student = seed.student();
    String stranger = seed.student();
    String id = seed.booking(student, teacher, hoursAhead(2), hoursAhead(3));

    assertError(api.get("/bookings/" + id, server.token(stranger)), 403);
    assertError(api.get("/bookings?student_id=" + student, server.token(stranger)), 403);
    assertError(api.get("/bookings?teacher_id=" + teacher, server.token(student)), 403);
    assertError(api.get("/bookings", server.token(student)), 400);
    assertError(api.get("/bookings/00000000-0000-0000-0000-000000000000", server.token(student)), 404);
    assertError(api.get("/bookings/not-a-uuid", server.token(student)), 400);
    assertJson(api.get("/bookings/" + id, server.adminToken("root")), 200);
    assertEquals(1, new JsonArray(api.get("/bookings?teacher_id=" + teacher, server.adminToken("root")).bodyAsString()).size());
  }

  @Test
  void onlyTheTeacherConfirmsAndStrangersChangeNothing() {
    String teacher = teacherWithSlot();
    String student = seed.student();
    String id = seed.booking(student, teacher, hoursAhead(2), hoursAhead(3));
    assertError(patch(id, student, "confirmed"), 403);
    assertError(patch(id, seed.student(), "cancelled"), 403);
    assertEquals("pending", read(id, student).getString("status"));
  }

  @Test
  void transitionsOutsideTheLifecycleAre409() {
    String teacher = teacherWithSlot();
    String student = seed.student();
    String id = seed.booking(student, teacher, hoursAhead(2), hoursAhead(3));
    assertError(patch(id, student, "completed"), 409);
    assertJson(patch(id, student, "cancelled"), 200);
    assertError(patch(id, teacher, "confirmed"), 409);
    assertError(patch(id, teacher, "cancelled"), 409);

    String done = seed.booking(student, teacher, hoursAhead(2), hoursAhead(3));
    assertJson(patch(done, teacher, "confirmed"), 200);
    assertJson(patch(done, teacher, "completed"), 200);
    assertError(patch(done, student, "cancelled"), 409);
    assertError(patch(done, teacher, "pending"), 400);
    assertError(api.send(HttpMethod.PATCH, "/bookings/" + done, server.token(teacher),
      new JsonObject().put("status", "completed").put("reason", "why not")), 400);
  }

  @Test
  void aRetryWithTheSameIdempotencyKeyReturnsTheFirstBooking() {
    String teacher = teacherWithSlot();
    String student = seed.student();
    JsonObject body = bookingBody(student, teacher, hoursAhead(2), hoursAhead(3));
    HttpResponse<Buffer> first = api.request(HttpMethod.POST, "/bookings").bearerTokenAuthentication(server.token(student))
      .putHeader("Idempotency-Key", "retry-1").sendJsonObject(body).await();
    HttpResponse<Buffer> retry = api.request(HttpMethod.POST, "/bookings").bearerTokenAuthentication(server.token(student))
      .putHeader("Idempotency-Key", "retry-1").sendJsonObject(body).await();
    assertEquals(assertJson(first, 201).getString("booking_id"), assertJson(retry, 201).getString("booking_id"));
    assertEquals("true", retry.getHeader("Idempotent-Replayed"));

    HttpResponse<Buffer> different = api.request(HttpMethod.POST, "/bookings").bearerTokenAuthentication(server.token(student))
      .putHeader("Idempotency-Key", "retry-1")
      .sendJsonObject(bookingBody(student, teacher, hoursAhead(3), hoursAhead(4))).await();
    assertError(different, 422);
    assertEquals(1, new JsonArray(api.get("/bookings?student_id=" + student, server.token(student)).bodyAsString()).size());
  }

  @Test
  void concurrentRetriesWithOneIdempotencyKeyMakeOneBooking() {
    String teacher = teacherWithSlot();
    String student = seed.student();
    JsonObject body = bookingBody(student, teacher, hoursAhead(2), hoursAhead(3));
    List<HttpResponse<Buffer>> responses = all(10, i -> api.request(HttpMethod.POST, "/bookings")
      .bearerTokenAuthentication(server.token(student)).putHeader("Idempotency-Key", "double-click")
      .sendJsonObject(body));
    assertEquals(1, responses.stream().map(r -> assertJson(r, 201).getString("booking_id")).distinct().count());
  }

  @Test
  void aStaleIfMatchIs412AndChangesNothing() {
    String teacher = teacherWithSlot();
    String student = seed.student();
    String id = seed.booking(student, teacher, hoursAhead(2), hoursAhead(3));
    String etag = api.get("/bookings/" + id, server.token(student)).getHeader("ETag");
    assertJson(patch(id, teacher, "confirmed"), 200);
    HttpResponse<Buffer> stale = api.request(HttpMethod.PATCH, "/bookings/" + id)
      .bearerTokenAuthentication(server.token(student)).putHeader("If-Match", etag)
      .sendJsonObject(new JsonObject().put("status", "cancelled")).await();
    assertError(stale, 412);
    assertEquals("confirmed", read(id, student).getString("status"));
  }

  @Test
  void fiftyStudentsRacingForOneTeacherYieldExactlyOneBooking() {
    String teacher = teacherWithSlot();
    List<String> students = all(50, i -> Future.succeededFuture(seed.student()));
    List<HttpResponse<Buffer>> responses = all(50, i -> api.request(HttpMethod.POST, "/bookings")
      .bearerTokenAuthentication(server.token(students.get(i)))
      .sendJsonObject(bookingBody(students.get(i), teacher, hoursAhead(2).plusMinutes(i), hoursAhead(3).plusMinutes(i))));

    assertEquals(1, responses.stream().filter(r -> r.statusCode() == 201).count(), "exactly one booking");
    responses.stream().filter(r -> r.statusCode() != 201).forEach(r -> assertError(r, 409));
    assertNoOverlap(new JsonArray(api.get("/bookings?teacher_id=" + teacher, server.token(teacher)).bodyAsString()));
  }

  @Test
  void oneStudentBookingManyTeachersAtOnceGetsExactlyOne() {
    String student = seed.student();
    List<String> teachers = all(20, i -> Future.succeededFuture(teacherWithSlot()));
    List<HttpResponse<Buffer>> responses = all(20, i -> api.request(HttpMethod.POST, "/bookings")
      .bearerTokenAuthentication(server.token(student))
      .sendJsonObject(bookingBody(student, teachers.get(i), hoursAhead(2), hoursAhead(3))));

    assertEquals(1, responses.stream().filter(r -> r.statusCode() == 201).count(), "exactly one booking");
    responses.stream().filter(r -> r.statusCode() != 201).forEach(r -> assertError(r, 409));
    assertNoOverlap(new JsonArray(api.get("/bookings?student_id=" + student, server.token(student)).bodyAsString()));
  }

  @Test
  void concurrentConfirmAndCancelOfTheSameVersionHaveOneWinner() {
    for (int round = 0; round < 5; round++) {
      String teacher = teacherWithSlot();
      String student = seed.student();
      String id = seed.booking(student, teacher, hoursAhead(2), hoursAhead(3));
      String etag = api.get("/bookings/" + id, server.token(student)).getHeader("ETag");
      List<HttpResponse<Buffer>> responses = all(2, i -> api.request(HttpMethod.PATCH, "/bookings/" + id)
        .bearerTokenAuthentication(server.token(i == 0 ? teacher : student)).putHeader("If-Match", etag)
        .sendJsonObject(new JsonObject().put("status", i == 0 ? "confirmed" : "cancelled")));

      List<HttpResponse<Buffer>> winners = responses.stream().filter(r -> r.statusCode() == 200).toList();
      assertEquals(1, winners.size(), "exactly one transition wins");
      responses.stream().filter(r -> r.statusCode() != 200).forEach(r -> assertError(r, 412));
      assertEquals(winners.get(0).bodyAsJsonObject().getString("status"), read(id, student).getString("status"));
    }
  }

  @Test
  void aCancelAfterAConfirmStillWorks() {
    String teacher = teacherWithSlot();
    String student = seed.student();
    String id = seed.booking(student, teacher, hoursAhead(2), hoursAhead(3));
    assertJson(patch(id, teacher, "confirmed"), 200);
    assertEquals("cancelled", assertJson(patch(id, student, "cancelled"), 200).getString("status"));
  }

  @Test
  void concurrentCancelsOfOneBookingHaveOneWinner() {
    String teacher = teacherWithSlot();
    String student = seed.student();
    String id = seed.booking(student, teacher, hoursAhead(2), hoursAhead(3));
    List<HttpResponse<Buffer>> responses = all(10, i -> api.request(HttpMethod.PATCH, "/bookings/" + id)
      .bearerTokenAuthentication(server.token(i % 2 == 0 ? teacher : student))
      .sendJsonObject(new JsonObject().put("status", "cancelled")));
    assertEquals(1, responses.stream().filter(r -> r.statusCode() == 200).count());
    responses.stream().filter(r -> r.statusCode() != 200).forEach(r -> assertError(r, 409));
  }

  /** Starts n calls at once and waits for all of them. */
  private static <T> List<T> all(int n, IntFunction<Future<T>> call) {
    List<Future<T>> calls = IntStream.range(0, n).mapToObj(call).toList();
    return Future.all(calls).await().list();
  }

  private static void assertNoOverlap(JsonArray bookings) {
    List<JsonObject> active = bookings.stream().map(JsonObject.class::cast)
      .filter(b -> List.of("pending", "confirmed").contains(b.getString("status"))).toList();
    for (JsonObject a : active) {
      for (JsonObject b : active) {
        if (a != b) {
          boolean overlap = a.getString("start_time").compareTo(b.getString("end_time")) < 0
            && b.getString("start_time").compareTo(a.getString("end_time")) < 0;
          assertFalse(overlap, "overlapping active bookings " + a + " and " + b);
        }
      }
    }
  }
}
