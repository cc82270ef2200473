package red.sessions.vyoma.reviews;

import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.kernel.Times;

import java.time.OffsetDateTime;
import java.util.UUID;

/** A student's review of a completed booking; {@code comment} is {@code null} when none was given. */
public record Review(UUID bookingId, String studentId, String teacherId, int rating, String comment,
                     OffsetDateTime createdAt) {

  /** The review as the API shows it. */
  public JsonObject toJson() {
    return new JsonObject()
      .put("booking_id", bookingId.toString())
      .put("student_id", studentId)
      .put("teacher_id", teacherId)
      .put("rating", rating)
      .put("comment", comment)
      .put("created_at", Times.format(createdAt));
  }
}
