package red.sessions.vyoma.reviews;

import io.vertx.core.json.JsonObject;

import static red.sessions.vyoma.kernel.JsonFields.bounded;
import static red.sessions.vyoma.kernel.JsonFields.optionalString;
import static red.sessions.vyoma.kernel.JsonFields.requiredInteger;

/** A validated {@code POST /bookings/{booking_id}/review} body: a whole-number rating of 1 to 5 and an optional comment. */
public record ReviewInput(int rating, String comment) {

  static final int MIN_RATING = 1;
  static final int MAX_RATING = 5;
  static final int MAX_COMMENT = 2000;

  public static ReviewInput parse(JsonObject body) {
    int rating = requiredInteger(body, "rating", "rating", MIN_RATING, MAX_RATING);
    String comment = optionalString(body, "comment", "comment");
    comment = comment == null ? null : bounded(comment, "comment", 0, MAX_COMMENT);
    return new ReviewInput(rating, comment == null || comment.isEmpty() ? null : comment);
  }
}
