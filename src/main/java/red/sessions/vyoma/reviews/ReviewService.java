package red.sessions.vyoma.reviews;

import java.util.List;
import io.vertx.core.Future;
import red.sessions.vyoma.auth.Caller;

import java.util.UUID;

/**
 * The reviews domain, served on the event bus at {@link #ADDRESS}. Its table ({@code reviews}) is read and
 * written by this package alone; published for other domains' reads (view, migration V15):
 * {@code review_ratings} (the rating each review gave its teacher, by teacher from an index alone).
 */
public interface ReviewService {

  String ADDRESS = "vyoma.reviews";

  /** The student's review of their completed booking, once per booking. */
  Future<Review> create(Caller caller, UUID bookingId, ReviewInput review);

  /** The reviews the user wrote (as student) or received (as teacher), for the user's export (no route reaches it), by id after {@code after} (null: from the first), at most {@code limit} (a review's id is its booking's). */
  Future<List<Review>> ofUser(String userId, UUID after, int limit);

  /** For erasures/: deletes the reviews the student wrote; each teacher they reviewed is rated by the rest. */
  Future<Void> erase(String userId);
}
