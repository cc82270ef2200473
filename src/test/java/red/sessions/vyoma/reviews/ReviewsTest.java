package red.sessions.vyoma.reviews;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import red.sessions.vyoma.support.ServerTest;

import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.support.Api.assertError;
import static red.sessions.vyoma.support.Api.assertJson;
import static red.sessions.vyoma.support.Seed.hoursAhead;
import static red.sessions.vyoma.support.Seed.madeUpWord;

class ReviewsTest extends ServerTest {


  private static HttpResponse<Buffer> review(String bookingId, String userToken, JsonObject body) {
    return api.post("/bookings/" + bookingId + "/review", userToken, body);
  }

  private static JsonObject rating(int stars) {
    return new JsonObject().put("rating", stars);
  }

  /** The teacher as search shows them to anyone, found by their only topic. */
  private static JsonObject searched(String teacher, String topic) {
    JsonArray results = new JsonArray(api.get("/search/teachers?topic=" + topic, server.token("searcher")).bodyAsString());
    return results.stream().map(JsonObject.class::cast)
      .filter(result -> result.getString("user_id").equals(teacher)).findFirst().orElseThrow();
  }

  private static void patch(String bookingId, String userId, String status) {
    assertJson(api.send(HttpMethod.PATCH, "/bookings/" + bookingId, server.token(userId),
      new JsonObject().put("status", status)), 200);
  }

  @Test
  void theStudentReviewsACompletedBookingAndTheRatingShowsInSearch() {
    String topic = madeUpWord();
    String teacher = seed.teacher(topic);
    String student = seed.student();
    String bookingId = seed.completedBooking(student, teacher, 2);
    assertNull(searched(teacher, topic).getValue("rating"));

    JsonObject created = assertJson(review(bookingId, server.token(student),
      rating(4).put("comment", "  Clear and patient.  ")), 201);
    assertEquals("Review created successfully", created.getString("message"));
    assertEquals(bookingId, created.getString("booking_id"));
    assertEquals(student, created.getString("student_id"));
    assertEquals(teacher, created.getString("teacher_id"));
    assertEquals(4, created.getInteger("rating"));
    assertEquals("Clear and patient.", created.getString("comment"));
    assertTrue(created.getString("created_at").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));

    JsonObject found = searched(teacher, topic);
    assertEquals(4.0, found.getDouble("rating"));
    assertEquals(1, found.getInteger("reviews"));
  }

  @Test
  void aTeachersRatingIsTheMeanOfTheirReviewsToTwoDecimals() {
    String topic = madeUpWord();
    String teacher = seed.teacher(topic);
    seed.rated(teacher, 2, 5);
    seed.rated(teacher, 4, 4);
    seed.rated(teacher, 6, 4);
    JsonObject found = searched(teacher, topic);
    assertEquals(4.33, found.getDouble("rating"));
    assertEquals(3, found.getInteger("reviews"));
  }

  @Test
  void aBookingIsReviewedOnlyOnce() {
    String topic = madeUpWord();
    String teacher = seed.teacher(topic);
    String student = seed.student();
    String bookingId = seed.completedBooking(student, teacher, 2);
    assertJson(review(bookingId, server.token(student), rating(5)), 201);
    JsonObject error = assertError(review(bookingId, server.token(student), rating(1)), 409);
    assertEquals("the booking has already been reviewed", error.getString("message"));
    assertEquals(5.0, searched(teacher, topic).getDouble("rating"));
  }

  @Test
  void concurrentReviewsOfOneBookingHaveOneWinner() {
    String teacher = seed.teacher(madeUpWord());
    String student = seed.student();
    String bookingId = seed.completedBooking(student, teacher, 2);
    List<Future<HttpResponse<Buffer>>> calls = IntStream.range(0, 8)
      .mapToObj(i -> api.request(HttpMethod.POST, "/bookings/" + bookingId + "/review")
        .bearerTokenAuthentication(server.token(student)).sendJsonObject(rating(1 + i % 5)))
      .toList();
    List<HttpResponse<Buffer>> responses = Future.all(calls).await().list();
    assertEquals(1, responses.stream().filter(response -> response.statusCode() == 201).count());
    responses.stream().filter(response -> response.statusCode() != 201).forEach(response -> assertError(response, 409));
  }

  @Test
  void onlyTheBookingsOwnStudentReviewsIt() {
    String teacher = seed.teacher(madeUpWord());
    String student = seed.student();
    String bookingId = seed.completedBooking(student, teacher, 2);
    assertError(review(bookingId, server.token(teacher), rating(5)), 403);
    assertError(review(bookingId, server.token(seed.student()), rating(1)), 403);
    assertError(review(bookingId, server.adminToken("root"), rating(1)), 403);
    assertJson(review(bookingId, server.token(student), rating(3)), 201);
  }

  @Test
  void aBookingThatIsNotCompletedCannotBeReviewed() {
    String teacher = seed.teacher(madeUpWord());
    String student = seed.student();
    seed.slot(teacher, hoursAhead(1), hoursAhead(5));
    String pending = seed.booking(student, teacher, hoursAhead(1), hoursAhead(2));
    String confirmed = seed.booking(student, teacher, hoursAhead(2), hoursAhead(3));
    patch(confirmed, teacher, "confirmed");
    String cancelled = seed.booking(student, teacher, hoursAhead(3), hoursAhead(4));
    patch(cancelled, student, "cancelled");

    for (String bookingId : List.of(pending, confirmed, cancelled)) {
      JsonObject error = assertError(review(bookingId, server.token(student), rating(5)), 409);
      assertTrue(error.getString("message").startsWith("only a completed booking can be reviewed"), error::encode);
    }
  }

  @Test
  void anUnknownBookingIs404AndAMalformedIdIs400() {
    String student = seed.student();
    assertError(review("00000000-0000-0000-0000-000000000000", server.token(student), rating(5)), 404);
    assertError(review("not-a-uuid", server.token(student), rating(5)), 400);
    assertError(review("00000000-0000-0000-0000-000000000000", null, rating(5)), 401);
  }

  @Test
  void ratingsOutsideOneToFiveAndOverlongCommentsAre400() {
    String teacher = seed.teacher(madeUpWord());
    String student = seed.student();
    String bookingId = seed.completedBooking(student, teacher, 2);
    String token = server.token(student);
    List<JsonObject> invalid = List.of(
      rating(0),
      rating(6),
      new JsonObject().put("rating", "5"),
      new JsonObject().put("rating", 4.5),
      new JsonObject().putNull("rating"),
      new JsonObject().put("comment", "No rating"),
      rating(5).put("comment", "x".repeat(2001)),
      rating(5).put("comment", 5));
    for (JsonObject body : invalid) {
      assertError(review(bookingId, token, body), 400);
    }
    assertJson(review(bookingId, token, rating(5).put("comment", "x".repeat(2000))), 201);
  }
}
