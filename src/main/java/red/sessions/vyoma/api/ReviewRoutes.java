package red.sessions.vyoma.api;

import red.sessions.vyoma.reviews.ReviewJson;
import red.sessions.vyoma.reviews.ReviewService;

/** {@code /bookings/{booking_id}/review}: the review as stored, with the seed's message. */
final class ReviewRoutes {

  private ReviewRoutes() {
  }

  static void mount(Endpoints api, ReviewService reviews) {
    api.post("/bookings/:booking_id/review", call -> reviews.create(call.caller(), call.pathUuid("booking_id"),
        ReviewBodies.review(call.body()))
      .map(review -> Reply.created(ReviewJson.review(review).put("message", "Review created successfully"))));
  }
}
