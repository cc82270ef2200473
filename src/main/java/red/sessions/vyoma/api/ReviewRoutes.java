package red.sessions.vyoma.api;

import red.sessions.vyoma.reviews.ReviewInput;
import red.sessions.vyoma.reviews.ReviewService;

/** {@code /bookings/{booking_id}/review}: the review as stored, with the seed's message. */
final class ReviewRoutes {

  private ReviewRoutes() {
  }

  static void mount(Endpoints api, ReviewService reviews) {
    api.post("/bookings/:booking_id/review", call -> reviews.create(call.caller(), call.pathUuid("booking_id"),
        ReviewInput.parse(call.body()))
      .map(review -> Reply.created(review.toJson().put("message", "Review created successfully"))));
  }
}
