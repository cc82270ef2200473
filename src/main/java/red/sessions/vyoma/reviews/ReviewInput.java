package red.sessions.vyoma.reviews;

import red.sessions.vyoma.kernel.Text;

/**
 * A student's review: a whole-number rating of {@link #MIN_RATING} to {@link #MAX_RATING} and an optional
 * comment, kept trimmed, {@code null} when blank.
 */
public record ReviewInput(int rating, String comment) {

  public static final int MIN_RATING = 1;
  public static final int MAX_RATING = 5;
  static final int MAX_COMMENT = 2000;

  public ReviewInput {
    comment = comment == null ? null : Text.bounded(comment, "comment", 0, MAX_COMMENT);
    comment = comment == null || comment.isEmpty() ? null : comment;
  }
}
