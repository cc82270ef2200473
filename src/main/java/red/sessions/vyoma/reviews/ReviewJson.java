package red.sessions.vyoma.reviews;

import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.kernel.Times;

/**
 * The reviews' wire format, in one place: a review as the API answers it, and as its event
 * ({@code review.created}) carries it.
 */
public final class ReviewJson {

  private ReviewJson() {
  }

  public static JsonObject review(Review review) {
    return new JsonObject()
      .put("booking_id", review.bookingId().toString())
      .put("student_id", review.studentId())
      .put("teacher_id", review.teacherId())
      .put("rating", review.rating())
      .put("comment", review.comment())
      .put("created_at", Times.format(review.createdAt()));
  }
}
