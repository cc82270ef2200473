package red.sessions.vyoma.api;

import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.reviews.ReviewInput;

/** The request body of {@code POST /bookings/{booking_id}/review}, read into the reviews domain's input. */
public final class ReviewBodies {

  private ReviewBodies() {
  }

  public static ReviewInput review(JsonObject body) {
    return new ReviewInput(
      JsonFields.requiredInteger(body, "rating", "rating", ReviewInput.MIN_RATING, ReviewInput.MAX_RATING),
      JsonFields.optionalString(body, "comment", "comment"));
  }
}
