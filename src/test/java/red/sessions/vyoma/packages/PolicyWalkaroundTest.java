package red.sessions.vyoma.packages;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import red.sessions.vyoma.support.Seed;
import red.sessions.vyoma.support.ServerTest;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.packages.PackagesTest.admin;
import static red.sessions.vyoma.packages.PackagesTest.book;
import static red.sessions.vyoma.packages.PackagesTest.cancel;
import static red.sessions.vyoma.packages.PackagesTest.confirm;
import static red.sessions.vyoma.packages.PackagesTest.grant;
import static red.sessions.vyoma.packages.PackagesTest.noShow;
import static red.sessions.vyoma.packages.PackagesTest.packageTeacher;
import static red.sessions.vyoma.packages.PackagesTest.read;
import static red.sessions.vyoma.support.Api.assertError;
import static red.sessions.vyoma.support.Api.assertJson;
import static red.sessions.vyoma.support.Schedules.everyDay;
import static red.sessions.vyoma.support.Schedules.rules;
import static red.sessions.vyoma.support.Schedules.schedule;
import static red.sessions.vyoma.support.Seed.hoursAhead;

/**
 * The cancellation policy against sequences of allowed calls: moving, cancelling, completing and reporting a
 * no-show, in any order and by any party, leave the booking and the package's ledger where one allowed call
 * would. The teacher of {@link PackagesTest#packageTeacher} lets a student cancel for free until 24 hours before.
 */
class PolicyWalkaroundTest extends ServerTest {

  /** Hours from {@link Seed#hoursAhead}'s origin: a lesson starting 1 to 2 hours from now, well inside the 24. */
  private static final int SOON = -22;
  /** A lesson starting in 29 to 30 hours: the student may still cancel it for free for 5 to 6 hours. */
  private static final int TOMORROW = 6;
  private static final int IN_20_DAYS = 20 * 24;

  private static HttpResponse<Buffer> move(String bookingId, String token, int hoursAhead) {
    return api.post("/bookings/" + bookingId + "/reschedule", token,
      Seed.times(hoursAhead(hoursAhead), hoursAhead(hoursAhead + 1)));
  }

  private static JsonObject booking(String bookingId, String userId) {
    return assertJson(api.get("/bookings/" + bookingId, server.token(userId)), 200);
  }

  private static Instant freeUntil(JsonObject booking) {
    return OffsetDateTime.parse(booking.getString("free_cancellation_until")).toInstant();
  }

  /** The booking's start less the teacher's 24 hours: when free cancellation ends by the policy alone. */
  private static Instant dayBefore(JsonObject booking) {
    return OffsetDateTime.parse(booking.getString("start_time")).toInstant().minus(Duration.ofHours(24));
  }

  private static void assertLedger(String packageId, String studentId, int remaining, List<String> reasons) {
    JsonObject after = read(packageId, studentId);
    assertEquals(reasons, PackagesTest.reasons(after), after::encode);
    assertEquals(remaining, after.getInteger("remaining"), after::encode);
  }

  @Test
  void aStudentsMoveAfterTheFreeCancellationEndsKeepsTheCancellationLate() {
    String teacher = packageTeacher();
    String student = seed.student();
    String id = grant(admin(), student, teacher, 2, null).getString("package_id");
    String booking = assertJson(book(student, teacher, SOON), 201).getString("booking_id");
    JsonObject booked = booking(booking, student);
    assertEquals(dayBefore(booked), freeUntil(booked));
    confirm(booking, teacher);

    JsonObject moved = assertJson(move(booking, server.token(student), IN_20_DAYS), 200);
    assertEquals("pending", moved.getString("status"));
    assertEquals(freeUntil(booked), freeUntil(moved));
    assertTrue(cancel(booking, student).getBoolean("late_cancellation"));
    // As booking SOON, confirming and cancelling would: the lesson stays used.
    assertLedger(id, student, 1, List.of("granted", "booked", "rescheduled", "late_cancellation"));
  }

  @Test
  void aStudentsMoveBeforeTheFreeCancellationEndsTakesTheNewTimesAndASecondMoveDoesNotUndoIt() {
    String teacher = packageTeacher();
    String student = seed.student();
    String id = grant(admin(), student, teacher, 1, null).getString("package_id");
    String booking = assertJson(book(student, teacher, TOMORROW), 201).getString("booking_id");
    confirm(booking, teacher);

    // Before its free cancellation ends a move is what cancelling and booking the new time would be: its
    // policy is the new time's, here already over.
    JsonObject sooner = assertJson(move(booking, server.token(student), SOON), 200);
    assertEquals(dayBefore(sooner), freeUntil(sooner));
    JsonObject later = assertJson(move(booking, server.token(student), IN_20_DAYS), 200);
    assertEquals(freeUntil(sooner), freeUntil(later));
    assertTrue(cancel(booking, student).getBoolean("late_cancellation"));
    assertLedger(id, student, 0, List.of("granted", "booked", "rescheduled", "rescheduled", "late_cancellation"));
  }

  @Test
  void aStudentsMoveOfAFarLessonKeepsItFreeToCancelUntil24HoursBeforeItsNewTime() {
    String teacher = packageTeacher();
    String student = seed.student();
    String id = grant(admin(), student, teacher, 1, null).getString("package_id");
    String booking = assertJson(book(student, teacher, TOMORROW), 201).getString("booking_id");
    JsonObject moved = assertJson(move(booking, server.token(student), IN_20_DAYS), 200);
    assertEquals(dayBefore(moved), freeUntil(moved));
    assertFalse(cancel(booking, student).getBoolean("late_cancellation"));
    assertLedger(id, student, 1, List.of("granted", "booked", "rescheduled", "cancelled_in_time"));
  }

  @Test
  void theTeachersOrAnAdminsMoveGivesTheStudentTheNewTimesPolicy() {
    for (boolean byAdmin : List.of(false, true)) {
      String teacher = packageTeacher();
      String student = seed.student();
      String id = grant(admin(), student, teacher, 1, null).getString("package_id");
      String booking = assertJson(book(student, teacher, SOON), 201).getString("booking_id");
      confirm(booking, teacher);
      JsonObject moved = assertJson(move(booking, byAdmin ? admin() : server.token(teacher), IN_20_DAYS), 200);
      assertEquals("confirmed", moved.getString("status"));
      assertEquals(dayBefore(moved), freeUntil(moved));
      assertFalse(cancel(booking, student).getBoolean("late_cancellation"));
      assertLedger(id, student, 1, List.of("granted", "booked", "rescheduled", "cancelled_in_time"));
    }
  }

  @Test
  void aLessonTheTeacherMovesInsideTheWindowIsFreeToCancelUntilItsNewStart() {
    String teacher = packageTeacher();
    String student = seed.student();
    String id = grant(admin(), student, teacher, 1, null).getString("package_id");
    String booking = assertJson(book(student, teacher, TOMORROW), 201).getString("booking_id");
    confirm(booking, teacher);
    JsonObject moved = assertJson(move(booking, server.token(teacher), SOON), 200);
    assertEquals(OffsetDateTime.parse(moved.getString("start_time")).toInstant(), freeUntil(moved));
    assertFalse(cancel(booking, student).getBoolean("late_cancellation"));
    assertLedger(id, student, 1, List.of("granted", "booked", "rescheduled", "cancelled_in_time"));
  }

  @Test
  void aStudentsLateMoveAfterTheTeachersMoveStaysLateAndTheTeacherCancellingStillGivesTheLessonBack() {
    String teacher = packageTeacher();
    String student = seed.student();
    String id = grant(admin(), student, teacher, 2, null).getString("package_id");
    // The teacher moves a far lesson to a time inside the window; the student moves it on once that is over.
    String booking = assertJson(book(student, teacher, IN_20_DAYS), 201).getString("booking_id");
    confirm(booking, teacher);
    assertJson(move(booking, server.token(teacher), TOMORROW), 200);
    Seed.lessonStartsIn(booking, Duration.ofHours(2));
    assertJson(move(booking, server.token(student), IN_20_DAYS), 200);
    assertTrue(cancel(booking, student).getBoolean("late_cancellation"));

    String other = assertJson(book(student, teacher, SOON), 201).getString("booking_id");
    assertJson(move(other, server.token(student), IN_20_DAYS + 2), 200);
    assertFalse(cancel(other, teacher).getBoolean("late_cancellation"));
    assertLedger(id, student, 1, List.of("granted", "booked", "rescheduled", "rescheduled", "late_cancellation",
      "booked", "rescheduled", "teacher_cancelled"));
  }

  @Test
  void aPolicyTheTeacherSetsLaterDoesNotReachLessonsAlreadyBooked() {
    String teacher = packageTeacher();
    String student = seed.student();
    String id = grant(admin(), student, teacher, 2, null).getString("package_id");
    String before = assertJson(book(student, teacher, TOMORROW), 201).getString("booking_id");
    seed.schedule(teacher, schedule("UTC", everyDay("00:00", "24:00"), new JsonArray(), rules(0, 0, 15, 365)
      .put("cancellation", new JsonObject().put("free_until_hours_before", 72)).put("requires_package", true)));
    String after = assertJson(book(student, teacher, TOMORROW + 2), 201).getString("booking_id");
    assertFalse(cancel(before, student).getBoolean("late_cancellation"));
    assertTrue(cancel(after, student).getBoolean("late_cancellation"));
    assertLedger(id, student, 1, List.of("granted", "booked", "booked", "cancelled_in_time", "late_cancellation"));
  }

  @Test
  void aLessonComesBackOnceWhicheverRoutesEndItAndNoneEndsItTwice() {
    String teacher = packageTeacher();
    String student = seed.student();
    String id = grant(admin(), student, teacher, 2, null).getString("package_id");

    String stoodUp = assertJson(book(student, teacher, TOMORROW), 201).getString("booking_id");
    confirm(stoodUp, teacher);
    Seed.lessonStartedAgo(stoodUp, Duration.ofMinutes(20));
    assertEquals("teacher", assertJson(noShow(stoodUp, student, "teacher"), 200).getString("no_show"));
    assertError(api.send(HttpMethod.PATCH, "/bookings/" + stoodUp, server.token(teacher),
      new JsonObject().put("status", "cancelled")), 409);
    assertError(api.send(HttpMethod.PATCH, "/bookings/" + stoodUp, server.token(student),
      new JsonObject().put("status", "cancelled")), 409);
    assertError(noShow(stoodUp, teacher, "student"), 409);
    assertError(move(stoodUp, server.token(teacher), IN_20_DAYS), 409);

    String cancelled = assertJson(book(student, teacher, TOMORROW + 2), 201).getString("booking_id");
    confirm(cancelled, teacher);
    Seed.lessonStartedAgo(cancelled, Duration.ofMinutes(20));
    cancel(cancelled, teacher);
    assertError(noShow(cancelled, student, "teacher"), 409);
    assertError(noShow(cancelled, teacher, "student"), 409);
    assertError(api.send(HttpMethod.PATCH, "/bookings/" + cancelled, server.token(student),
      new JsonObject().put("status", "completed")), 409);
    assertError(move(cancelled, server.token(student), IN_20_DAYS), 409);

    assertLedger(id, student, 2, List.of("granted", "booked", "teacher_no_show", "booked", "teacher_cancelled"));
  }

  @Test
  void aLessonCompletedOrMissedByTheStudentStaysUsedWhateverFollows() {
    String teacher = packageTeacher();
    String student = seed.student();
    String id = grant(admin(), student, teacher, 2, null).getString("package_id");

    String completed = assertJson(book(student, teacher, TOMORROW), 201).getString("booking_id");
    confirm(completed, teacher);
    Seed.lessonStartedAgo(completed, Duration.ofMinutes(20));
    assertJson(api.send(HttpMethod.PATCH, "/bookings/" + completed, server.token(teacher),
      new JsonObject().put("status", "completed")), 200);
    assertError(noShow(completed, student, "teacher"), 409);
    assertError(noShow(completed, teacher, "student"), 409);
    assertError(api.send(HttpMethod.PATCH, "/bookings/" + completed, server.token(teacher),
      new JsonObject().put("status", "cancelled")), 409);

    String missed = assertJson(book(student, teacher, TOMORROW + 2), 201).getString("booking_id");
    confirm(missed, teacher);
    Seed.lessonStartedAgo(missed, Duration.ofMinutes(20));
    assertJson(noShow(missed, teacher, "student"), 200);
    assertError(noShow(missed, student, "teacher"), 409);
    assertError(api.send(HttpMethod.PATCH, "/bookings/" + missed, server.token(teacher),
      new JsonObject().put("status", "cancelled")), 409);
    assertError(move(missed, server.token(teacher), IN_20_DAYS), 409);

    assertEquals("completed", booking(completed, student).getString("status"));
    assertEquals("student", booking(missed, student).getString("no_show"));
    assertLedger(id, student, 0, List.of("granted", "booked", "booked", "student_no_show"));
  }

  @Test
  void aCancelledLessonIsNeitherMovedNorCancelledAgain() {
    String teacher = packageTeacher();
    String student = seed.student();
    String id = grant(admin(), student, teacher, 1, null).getString("package_id");
    String booking = assertJson(book(student, teacher, IN_20_DAYS), 201).getString("booking_id");
    confirm(booking, teacher);
    assertFalse(cancel(booking, student).getBoolean("late_cancellation"));
    assertError(move(booking, server.token(student), IN_20_DAYS + 2), 409);
    assertError(move(booking, server.token(teacher), IN_20_DAYS + 2), 409);
    assertError(api.send(HttpMethod.PATCH, "/bookings/" + booking, server.token(teacher),
      new JsonObject().put("status", "cancelled")), 409);
    assertError(api.send(HttpMethod.PATCH, "/bookings/" + booking, server.token(teacher),
      new JsonObject().put("status", "confirmed")), 409);
    assertLedger(id, student, 1, List.of("granted", "booked", "cancelled_in_time"));
  }
}
