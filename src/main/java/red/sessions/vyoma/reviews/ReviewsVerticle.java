package red.sessions.vyoma.reviews;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.bus.ApiReply;
import red.sessions.vyoma.bus.ApiRequest;
import red.sessions.vyoma.bus.RequestVerticle;

import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * Reviews: the student of a completed booking rates it once, 1 to 5, with an optional comment. A
 * teacher's rating, shown in search, is the mean of their reviews. A review is the student's own word,
 * so not even an admin writes one for them.
 */
public final class ReviewsVerticle extends RequestVerticle {

  static final DomainException ALREADY_REVIEWED = DomainException.conflict("the booking has already been reviewed");

  private final ReviewStore store;

  public ReviewsVerticle(Pool pool) {
    super(ReviewsApi.ADDRESS, Map.of("reviews_pkey", ALREADY_REVIEWED));
    this.store = new ReviewStore(pool);
  }

  @Override
  protected Map<String, Function<ApiRequest, Future<ApiReply>>> actions() {
    return Map.of(ReviewsApi.CREATE, this::create);
  }

  private Future<ApiReply> create(ApiRequest request) {
    UUID bookingId = request.pathUuid("booking_id");
    ReviewInput review = ReviewInput.parse(request.requiredBody());
    return store.create(bookingId, request.caller(), review)
      .map(created -> ApiReply.created(created.put("message", "Review created successfully")));
  }
}
