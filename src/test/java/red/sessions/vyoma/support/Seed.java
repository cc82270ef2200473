package red.sessions.vyoma.support;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static red.sessions.vyoma.support.Api.assertJson;

/** Test data made through the API, with fresh user ids so tests never see each other's data. */
public final class Seed {

  private final Client server;

  Seed(Client server) {
    this.server = server;
  }

  public String student() {
    return profile("student-" + UUID.randomUUID(), "student", new JsonArray());
  }

  public String teacher(String... topics) {
    return profile("teacher-" + UUID.randomUUID(), "teacher", new JsonArray(List.of((Object[]) topics)));
  }

  private String profile(String userId, String role, JsonArray topics) {
    JsonObject data = new JsonObject().put("name", "Name of " + userId).put("email", userId + "@example.com");
    if (!topics.isEmpty()) {
      data.put("topics", topics);
    }
    assertJson(server.api().post("/profiles", server.token(userId),
      new JsonObject().put("user_id", userId).put("role", role).put("profile_data", data)), 201);
    return userId;
  }

  /** A whole hour, the given number of hours from now (tomorrow at the earliest, so always in the future). */
  public static OffsetDateTime hoursAhead(int hours) {
    return Instant.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(24L + hours)).atOffset(ZoneOffset.UTC);
  }

  public String slot(String teacherId, OffsetDateTime start, OffsetDateTime end) {
    JsonObject body = times(start, end).put("teacher_id", teacherId);
    return assertJson(server.api().post("/availability", server.token(teacherId), body), 201).getString("id");
  }

  public String booking(String studentId, String teacherId, OffsetDateTime start, OffsetDateTime end) {
    JsonObject body = bookingBody(studentId, teacherId, start, end);
    return assertJson(server.api().post("/bookings", server.token(studentId), body), 201).getString("booking_id");
  }

  /** A session's parties and ids, for a confirmed booking of theirs. */
  public record Lesson(String studentId, String teacherId, String bookingId, String sessionId) {
  }

  /**
   * A new teacher and student with a confirmed one-hour booking the given hours ahead (a slot around it),
   * and its session opened by the student.
   */
  public Lesson lesson(int hoursAhead) {
    String teacher = teacher("Physics");
    String student = student();
    slot(teacher, hoursAhead(hoursAhead - 1), hoursAhead(hoursAhead + 2));
    String bookingId = booking(student, teacher, hoursAhead(hoursAhead), hoursAhead(hoursAhead + 1));
    assertJson(server.api().send(HttpMethod.PATCH, "/bookings/" + bookingId, server.token(teacher),
      new JsonObject().put("status", "confirmed")), 200);
    String sessionId = assertJson(server.api().post("/sessions", server.token(student),
      new JsonObject().put("booking_id", bookingId)), 201).getString("session_id");
    return new Lesson(student, teacher, bookingId, sessionId);
  }

  /**
   * A one-hour booking of the student with the teacher, the given hours ahead in a slot of its own,
   * confirmed by the teacher, its time come ({@link #lessonTimeCame}) and completed.
   */
  public String completedBooking(String studentId, String teacherId, int hoursAhead) {
    slot(teacherId, hoursAhead(hoursAhead), hoursAhead(hoursAhead + 1));
    String bookingId = booking(studentId, teacherId, hoursAhead(hoursAhead), hoursAhead(hoursAhead + 1));
    assertJson(server.api().send(HttpMethod.PATCH, "/bookings/" + bookingId, server.token(teacherId),
      new JsonObject().put("status", "confirmed")), 200);
    lessonTimeCame(bookingId);
    assertJson(server.api().send(HttpMethod.PATCH, "/bookings/" + bookingId, server.token(teacherId),
      new JsonObject().put("status", "completed")), 200);
    return bookingId;
  }

  /**
   * Moves the booking's times {@link #TIME_TRAVEL} into the past, in the test database, as if its lesson had
   * happened: a booking is only ever made for the future, and completed only once it has started. Moving every
   * such booking by the same amount keeps them from overlapping one another as they did not before.
   */
  public static void lessonTimeCame(String bookingId) {
    moveBooking("""
      UPDATE bookings SET start_time = start_time - ?::interval, end_time = end_time - ?::interval,
                          blocked_until = blocked_until - ?::interval,
                          free_cancellation_until = free_cancellation_until - ?::interval
       WHERE id = ?::uuid""", TIME_TRAVEL, bookingId);
  }

  private static final String TIME_TRAVEL = "400 days";

  /**
   * Moves the booking in the test database so that it started {@code ago} before now, its length kept: as if
   * the lesson were under way (or just over), for what may be done only then.
   */
  public static void lessonStartedAgo(String bookingId, Duration ago) {
    lessonStartsIn(bookingId, ago.negated());
  }

  /**
   * Moves the booking in the test database so that it starts {@code in} from now, its length and how long before
   * the start its free cancellation ends kept: as if that much time were left before the lesson, for what depends
   * on how soon it is.
   */
  public static void lessonStartsIn(String bookingId, Duration in) {
    moveBooking("""
      UPDATE bookings SET start_time = now() + ?::interval, end_time = now() + ?::interval + (end_time - start_time),
                          blocked_until = now() + ?::interval + (blocked_until - start_time),
                          free_cancellation_until = now() + ?::interval - (start_time - free_cancellation_until)
       WHERE id = ?::uuid""", in.toSeconds() + " seconds", bookingId);
  }

  /**
   * Makes the series due now in the test database, as if the days until its next occurrence comes inside the
   * booking window had passed: the sweep looks at it in its next round.
   */
  public static void seriesDueNow(String seriesId) {
    TestServer.changeOne("UPDATE booking_series SET due_at = now() WHERE id = ?::uuid", seriesId);
  }

  /** Runs the update of one booking's times, its first four parameters the interval and the fifth the booking's id. */
  private static void moveBooking(String sql, String interval, String bookingId) {
    TestServer.changeOne(sql, interval, interval, interval, interval, bookingId);
  }


  /** The student's review of their completed booking. */
  public void review(String bookingId, String studentId, int rating) {
    assertJson(server.api().post("/bookings/" + bookingId + "/review", server.token(studentId),
      new JsonObject().put("rating", rating)), 201);
  }

  /** A completed lesson of a new student with the teacher, the given hours ahead, reviewed with the rating. */
  public void rated(String teacherId, int hoursAhead, int rating) {
    String student = student();
    review(completedBooking(student, teacherId, hoursAhead), student, rating);
  }

  /** A made-up word of ten random letters: a topic no other test's topics resemble. */
  public static String madeUpWord() {
    StringBuilder word = new StringBuilder();
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < 10; i++) {
      word.append((char) ('a' + random.nextInt(26)));
    }
    return word.toString();
  }

  /** Sets the teacher's schedule as the teacher; answers the stored schedule. */
  public JsonObject schedule(String teacherId, JsonObject schedule) {
    return assertJson(server.api().send(HttpMethod.PUT, "/teachers/" + teacherId + "/schedule", server.token(teacherId),
      schedule), 200);
  }

  /** The teacher's bookable slots for the query string, as a signed-in user with no profile sees them. */
  public JsonObject bookableSlots(String teacherId, String query) {
    return assertJson(server.api().get("/teachers/" + teacherId + "/slots?" + query,
      server.token("user-" + UUID.randomUUID())), 200);
  }

  /** The file_url of a small PDF the user uploaded through an upload URL of its own, ready to share. */
  public String fileUrl(String userId, String fileName) {
    JsonObject presigned = assertJson(server.api().post("/presigned-url", server.token(userId),
      new JsonObject().put("file_name", fileName).put("content_type", "application/pdf")), 200);
    assertEquals(200, server.api().upload(presigned, Buffer.buffer("%PDF-1.4\n")).statusCode());
    return presigned.getString("file_url");
  }

  public static JsonObject bookingBody(String studentId, String teacherId, OffsetDateTime start, OffsetDateTime end) {
    return times(start, end).put("student_id", studentId).put("teacher_id", teacherId);
  }

  public static JsonObject times(OffsetDateTime start, OffsetDateTime end) {
    return new JsonObject().put("start_time", start.toString()).put("end_time", end.toString());
  }
}
