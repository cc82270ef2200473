package red.sessions.vyoma.http;

import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.bus.Times;
import red.sessions.vyoma.reviews.Review;
import red.sessions.vyoma.reviews.ReviewInput;
import red.sessions.vyoma.reviews.ReviewService;

/** {@code /bookings/{booking_id}/review}: the review as stored, with the seed's message. */
final class ReviewRoutes {

  private ReviewRoutes() {
  }

  static void mount(Endpoints api, ReviewService reviews) {
    api.post("/bookings/:booking_id/review", call -> reviews.create(call.caller(), call.pathUuid("booking_id"),
        ReviewInput.parse(call.body()))
      .map(review -> Reply.created(json(review).put("message", "Review created successfully"))));
  }

  private static JsonObject json(Review review) {
    return new JsonObject()
      .put("booking_id", review.bookingId().toString())
      .put("student_id", review.studentId())
      .put("teacher_id", review.teacherId())
      .put("rating", review.rating())
      .put("comment", review.comment())
      .put("created_at", Times.format(review.createdAt()));
  }
}
