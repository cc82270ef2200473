package red.sessions.vyoma.reviews;

import java.util.List;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.bus.DomainVerticle;

import java.util.Map;
import java.util.UUID;

/**
 * Reviews: the student of a completed booking rates it once, 1 to 5, with an optional comment. A
 * teacher's rating, shown in search, is the mean of their reviews. A review is the student's own word,
 * so not even an admin writes one for them.
 */
public final class ReviewsVerticle extends DomainVerticle<ReviewService> implements ReviewService {

  static final DomainException ALREADY_REVIEWED = DomainException.conflict("the booking has already been reviewed");

  private final ReviewStore store;

  public ReviewsVerticle(Pool pool) {
    super(ADDRESS, ReviewService.class, Map.of("reviews_pkey", ALREADY_REVIEWED));
    this.store = new ReviewStore(pool);
  }

  @Override
  public Future<Review> create(Caller caller, UUID bookingId, ReviewInput review) {
    return store.create(bookingId, caller, review);
  }

  @Override
  public Future<List<Review>> ofUser(String userId, UUID after, int limit) {
    return store.ofUser(userId, after, limit);
  }

  @Override
  public Future<Void> erase(String userId) {
    return store.erase(userId);
  }
}
