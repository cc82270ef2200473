package red.sessions.vyoma.bookings;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import red.sessions.vyoma.support.Race;
import red.sessions.vyoma.support.Race.Entrant;
import red.sessions.vyoma.support.RowLock;
import red.sessions.vyoma.support.Seed;
import red.sessions.vyoma.support.Seed.Lesson;
import red.sessions.vyoma.support.ServerTest;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.support.Api.assertError;
import static red.sessions.vyoma.support.Api.assertJson;
import static red.sessions.vyoma.support.Schedules.everyDay;
import static red.sessions.vyoma.support.Schedules.rules;
import static red.sessions.vyoma.support.Schedules.schedule;
import static red.sessions.vyoma.support.Seed.bookingBody;
import static red.sessions.vyoma.support.Seed.hoursAhead;
import static red.sessions.vyoma.support.Seed.times;

/** {@code POST /bookings/{booking_id}/reschedule}: a booking moved, atomically, to another bookable time. */
class RescheduleTest extends ServerTest {

  static HttpResponse<Buffer> move(String bookingId, String userId, OffsetDateTime start, OffsetDateTime end) {
    return api.post("/bookings/" + bookingId + "/reschedule", server.token(userId), times(start, end));
  }

  static JsonObject read(String bookingId, String userId) {
    return assertJson(api.get("/bookings/" + bookingId, server.token(userId)), 200);
  }

  static Instant instant(String time) {
    return OffsetDateTime.parse(time).toInstant();
  }

  /** A lesson (confirmed, with its session) whose teacher is available around the clock. */
  static Lesson lessonWithOpenHours(int bufferMinutes) {
    Lesson lesson = seed.lesson(3);
    seed.schedule(lesson.teacherId(), schedule("UTC", everyDay("00:00", "24:00"), new JsonArray(),
      rules(0, bufferMinutes, 15, 365)));
    return lesson;
  }

  @Test
  void theStudentMovesAConfirmedBookingWhichWaitsForTheTeacherAgainAndKeepsItsSession() {
    Lesson lesson = lessonWithOpenHours(0);
    JsonObject before = read(lesson.bookingId(), lesson.studentId());
    String etag = api.get("/bookings/" + lesson.bookingId(), server.token(lesson.studentId())).getHeader("ETag");

    HttpResponse<Buffer> response = move(lesson.bookingId(), lesson.studentId(), hoursAhead(30), hoursAhead(31));
    JsonObject moved = assertJson(response, 200);
    assertNotEquals(etag, response.getHeader("ETag"));
    assertEquals(lesson.bookingId(), moved.getString("booking_id"));
    assertEquals("pending", moved.getString("status"));
    assertEquals(hoursAhead(30).toInstant(), instant(moved.getString("start_time")));
    assertEquals(hoursAhead(31).toInstant(), instant(moved.getString("end_time")));
    JsonArray previous = moved.getJsonArray("previous_times");
    assertEquals(1, previous.size());
    assertEquals(before.getString("start_time"), previous.getJsonObject(0).getString("start_time"));
    assertEquals(before.getString("end_time"), previous.getJsonObject(0).getString("end_time"));
    assertEquals(lesson.studentId(), previous.getJsonObject(0).getString("changed_by"));
    assertEquals(moved.getString("updated_at"), previous.getJsonObject(0).getString("changed_at"));
    assertEquals(moved, read(lesson.bookingId(), lesson.teacherId()));
    assertEquals(lesson.sessionId(), assertJson(api.get("/bookings/" + lesson.bookingId() + "/session",
      server.token(lesson.studentId())), 200).getString("session_id"));

    JsonObject again = assertJson(api.send(HttpMethod.PATCH, "/bookings/" + lesson.bookingId(),
      server.token(lesson.teacherId()), new JsonObject().put("status", "confirmed")), 200);
    assertEquals("confirmed", again.getString("status"));
  }

  @Test
  void theTeachersMoveKeepsTheStatusAndEveryMoveIsRecordedInOrder() {
    Lesson lesson = lessonWithOpenHours(0);
    assertEquals("confirmed", assertJson(move(lesson.bookingId(), lesson.teacherId(), hoursAhead(10), hoursAhead(11)), 200)
      .getString("status"));
    JsonObject twice = assertJson(move(lesson.bookingId(), lesson.teacherId(), hoursAhead(12), hoursAhead(13).plusMinutes(30)), 200);
    assertEquals("confirmed", twice.getString("status"));
    JsonArray previous = twice.getJsonArray("previous_times");
    assertEquals(List.of(hoursAhead(3).toInstant(), hoursAhead(10).toInstant()),
      previous.stream().map(move -> instant(((JsonObject) move).getString("start_time"))).toList());
    assertEquals(List.of(lesson.teacherId(), lesson.teacherId()),
      previous.stream().map(move -> ((JsonObject) move).getString("changed_by")).toList());
  }

  @Test
  void theBookingItselfDoesNotCountAgainstItsMove() {
    Lesson lesson = lessonWithOpenHours(30);
    JsonObject moved = assertJson(move(lesson.bookingId(), lesson.studentId(), hoursAhead(3).plusMinutes(15),
      hoursAhead(4).plusMinutes(15)), 200);
    assertEquals(hoursAhead(3).plusMinutes(15).toInstant(), instant(moved.getString("start_time")));
  }

  @Test
  void aMoveToATimeTheRulesRefuseIs409AndChangesNothing() {
    Lesson lesson = lessonWithOpenHours(30);
    String student = seed.student();
    seed.booking(student, lesson.teacherId(), hoursAhead(8), hoursAhead(9));
    JsonObject before = read(lesson.bookingId(), lesson.studentId());

    assertEquals("the time is within the teacher's buffer of 30 minutes around another booking",
      assertError(move(lesson.bookingId(), lesson.studentId(), hoursAhead(9).plusMinutes(15), hoursAhead(10)), 409)
        .getString("message"));
    assertEquals("the teacher already has a booking at that time",
      assertError(move(lesson.bookingId(), lesson.teacherId(), hoursAhead(8), hoursAhead(9)), 409).getString("message"));
    seed.schedule(lesson.teacherId(), schedule("UTC", everyDay("00:00", "24:00"), new JsonArray(), rules(0, 30, 15, 2)));
    assertEquals("the lesson would start more than 2 days ahead, beyond the teacher's booking window",
      assertError(move(lesson.bookingId(), lesson.studentId(), hoursAhead(48), hoursAhead(49)), 409).getString("message"));
    assertError(move(lesson.bookingId(), lesson.studentId(), hoursAhead(2), hoursAhead(1)), 400);
    assertError(api.post("/bookings/" + lesson.bookingId() + "/reschedule", server.token(lesson.studentId()),
      new JsonObject().put("start_time", hoursAhead(5).toString())), 400);
    assertError(move(lesson.bookingId(), lesson.studentId(), OffsetDateTime.now().minusHours(2),
      OffsetDateTime.now().minusHours(1)), 400);
    assertEquals(before, read(lesson.bookingId(), lesson.studentId()));
  }

  @Test
  void theStudentsOtherBookingsBlockAMoveToo() {
    Lesson lesson = lessonWithOpenHours(0);
    String otherTeacher = seed.teacher();
    seed.slot(otherTeacher, hoursAhead(20), hoursAhead(22));
    seed.booking(lesson.studentId(), otherTeacher, hoursAhead(20), hoursAhead(21));
    assertEquals("the student already has a booking at that time",
      assertError(move(lesson.bookingId(), lesson.teacherId(), hoursAhead(20), hoursAhead(21)), 409).getString("message"));
  }

  @Test
  void onlyThePartiesOrAnAdminMoveABookingAndOnlyAnActiveOneNotYetStarted() {
    Lesson lesson = lessonWithOpenHours(0);
    assertError(move(lesson.bookingId(), seed.student(), hoursAhead(30), hoursAhead(31)), 403);
    assertError(move(UUID.randomUUID().toString(), lesson.studentId(), hoursAhead(30), hoursAhead(31)), 404);
    assertError(move("not-a-uuid", lesson.studentId(), hoursAhead(30), hoursAhead(31)), 400);
    assertError(api.post("/bookings/" + lesson.bookingId() + "/reschedule", null, times(hoursAhead(30), hoursAhead(31))), 401);

    JsonObject byAdmin = assertJson(api.post("/bookings/" + lesson.bookingId() + "/reschedule",
      server.adminToken("admin-" + UUID.randomUUID()), times(hoursAhead(30), hoursAhead(31))), 200);
    assertEquals("confirmed", byAdmin.getString("status"));

    Seed.lessonTimeCame(lesson.bookingId());
    assertEquals("the lesson has started; it can no longer be moved",
      assertError(move(lesson.bookingId(), lesson.teacherId(), hoursAhead(40), hoursAhead(41)), 409).getString("message"));

    Lesson cancelled = lessonWithOpenHours(0);
    assertJson(api.send(HttpMethod.PATCH, "/bookings/" + cancelled.bookingId(), server.token(cancelled.studentId()),
      new JsonObject().put("status", "cancelled")), 200);
    assertEquals("a cancelled booking cannot be moved",
      assertError(move(cancelled.bookingId(), cancelled.studentId(), hoursAhead(40), hoursAhead(41)), 409).getString("message"));
  }

  @Test
  void theSameTimesAgainChangeNothing() {
    Lesson lesson = lessonWithOpenHours(0);
    JsonObject before = read(lesson.bookingId(), lesson.studentId());
    assertEquals(before, assertJson(move(lesson.bookingId(), lesson.studentId(), hoursAhead(3), hoursAhead(4)), 200));
    assertEquals(before, read(lesson.bookingId(), lesson.studentId()));
  }

  @Test
  void ifMatchMovesOnlyTheVersionRead() {
    Lesson lesson = lessonWithOpenHours(0);
    String etag = api.get("/bookings/" + lesson.bookingId(), server.token(lesson.studentId())).getHeader("ETag");
    assertJson(move(lesson.bookingId(), lesson.teacherId(), hoursAhead(30), hoursAhead(31)), 200);
    HttpResponse<Buffer> stale = api.request(HttpMethod.POST, "/bookings/" + lesson.bookingId() + "/reschedule")
      .bearerTokenAuthentication(server.token(lesson.studentId())).putHeader("If-Match", etag)
      .sendJsonObject(times(hoursAhead(40), hoursAhead(41))).await();
    assertError(stale, 412);
    assertEquals(hoursAhead(30).toInstant(), instant(read(lesson.bookingId(), lesson.studentId()).getString("start_time")));
  }

  @Test
  void movesOfOneBookingRacingFromOneVersionHaveOneWinner() {
    Lesson lesson = lessonWithOpenHours(0);
    List<HttpResponse<Buffer>> responses = Race.heldBy(RowLock.on("profiles", "user_id", lesson.teacherId()), server,
      Race.MIN_RACERS, i -> Entrant.of(HttpMethod.POST, "/bookings/" + lesson.bookingId() + "/reschedule",
        server.token(i % 2 == 0 ? lesson.studentId() : lesson.teacherId()), times(hoursAhead(20 + i), hoursAhead(21 + i))));
    List<Integer> winners = IntStream.range(0, responses.size()).filter(i -> responses.get(i).statusCode() == 200).boxed().toList();
    assertEquals(1, winners.size(), () -> responses.stream().map(HttpResponse::bodyAsString).toList().toString());
    responses.stream().filter(response -> response.statusCode() != 200).forEach(response -> assertError(response, 409));
    JsonObject booking = read(lesson.bookingId(), lesson.studentId());
    assertEquals(hoursAhead(20 + winners.get(0)).toInstant(), instant(booking.getString("start_time")));
    assertEquals(1, booking.getJsonArray("previous_times").size());
  }

  @Test
  void aMoveAndNewBookingsRacingForOneTimeHaveOneWinner() {
    Lesson lesson = lessonWithOpenHours(0);
    List<String> students = IntStream.range(1, Race.MIN_RACERS).mapToObj(i -> seed.student()).toList();
    List<HttpResponse<Buffer>> responses = Race.heldBy(RowLock.on("profiles", "user_id", lesson.teacherId()), server,
      Race.MIN_RACERS, i -> i == 0
        ? Entrant.of(HttpMethod.POST, "/bookings/" + lesson.bookingId() + "/reschedule", server.token(lesson.teacherId()),
          times(hoursAhead(30), hoursAhead(31)))
        : Entrant.of(HttpMethod.POST, "/bookings", server.token(students.get(i - 1)),
          bookingBody(students.get(i - 1), lesson.teacherId(), hoursAhead(30), hoursAhead(31))));
    assertEquals(1, responses.stream().filter(response -> response.statusCode() / 100 == 2).count(),
      () -> responses.stream().map(HttpResponse::bodyAsString).toList().toString());
    responses.stream().filter(response -> response.statusCode() / 100 != 2).forEach(response -> assertError(response, 409));
    JsonArray active = new JsonArray(api.get("/bookings?teacher_id=" + lesson.teacherId(), server.token(lesson.teacherId()))
      .bodyAsString());
    long atThirty = active.stream().map(JsonObject.class::cast)
      .filter(booking -> instant(booking.getString("start_time")).equals(hoursAhead(30).toInstant())).count();
    assertEquals(1, atThirty);
    assertTrue(active.size() <= 2);
  }
}
