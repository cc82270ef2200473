package red.sessions.vyoma.reviews;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import red.sessions.vyoma.api.ReviewBodies;
import red.sessions.vyoma.bus.DomainException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ReviewInputTest {

  private static void assertRefused(String message, JsonObject body) {
    DomainException e = assertThrows(DomainException.class, () -> ReviewBodies.review(body));
    assertEquals(DomainException.Reason.INVALID, e.reason());
    assertEquals(message, e.getMessage());
  }

  @Test
  void aReviewIsARatingFrom1To5AndATrimmedComment() {
    assertEquals(new ReviewInput(1, "Clear and patient"),
      ReviewBodies.review(new JsonObject().put("rating", 1).put("comment", " Clear and patient ")));
    assertEquals(new ReviewInput(5, null), ReviewBodies.review(new JsonObject().put("rating", 5)));
  }

  @Test
  void aRatingOutsideTheScaleIsRefused() {
    assertRefused("rating must be a whole number from 1 to 5", new JsonObject().put("rating", 0));
    assertRefused("rating must be a whole number from 1 to 5", new JsonObject().put("rating", 6));
    assertRefused("rating must be a whole number from 1 to 5", new JsonObject().put("rating", 4.5));
    assertRefused("rating is required", new JsonObject().put("comment", "Great"));
  }

  @Test
  void aBlankCommentIsNoComment() {
    assertEquals(new ReviewInput(4, null), ReviewBodies.review(new JsonObject().put("rating", 4).put("comment", "  ")));
  }

  @Test
  void aCommentIsAtMost2000Characters() {
    assertEquals(2000, ReviewBodies.review(new JsonObject().put("rating", 4).put("comment", "c".repeat(2000))).comment().length());
    assertRefused("comment must be 0 to 2000 characters", new JsonObject().put("rating", 4).put("comment", "c".repeat(2001)));
    assertRefused("comment must be a string", new JsonObject().put("rating", 4).put("comment", 5));
  }
}
