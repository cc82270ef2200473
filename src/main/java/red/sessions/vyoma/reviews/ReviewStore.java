package red.sessions.vyoma.reviews;

import red.sessions.vyoma.kernel.Keyset;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.events.EventType;
import red.sessions.vyoma.events.Outbox;
import red.sessions.vyoma.events.Subject;
import red.sessions.vyoma.platform.Rows;
import red.sessions.vyoma.platform.Sql;
import red.sessions.vyoma.profiles.TopicRatings;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The reviews SQL. "Once per booking" is the table's primary key; the rest is guarded by the insert itself. A review
 * gives its teacher's topics their new rating for search (profiles' {@link TopicRatings}) in the same transaction.
 */
final class ReviewStore {

  // A row to insert exists only when the booking is completed and the caller is its student.
  private static final String INSERT = """
    INSERT INTO reviews (booking_id, student_id, teacher_id, rating, comment)
    SELECT id, student_id, teacher_id, #{rating}, #{comment}
      FROM lessons
     WHERE id = #{booking_id} AND status = 'completed' AND student_id = #{caller}
    RETURNING booking_id, student_id, teacher_id, rating, comment, created_at""";

  private static final String BOOKING = """
    SELECT b.student_id, b.status, EXISTS (SELECT 1 FROM reviews r WHERE r.booking_id = b.id) AS reviewed
      FROM lessons b WHERE b.id = #{booking_id}""";

  private static final String OF_USER = """
    SELECT booking_id, student_id, teacher_id, rating, comment, created_at FROM reviews
     WHERE (student_id = #{user_id} OR teacher_id = #{user_id}) AND (#{after}::uuid IS NULL OR booking_id > #{after})
     ORDER BY booking_id
     LIMIT #{limit}""";

  private final Pool pool;

  // The teachers whose rating changes, one row each, so that each is refreshed once.
  private static final String ERASE = """
    WITH gone AS (DELETE FROM reviews WHERE student_id = #{student_id} RETURNING teacher_id)
    SELECT DISTINCT teacher_id FROM gone""";

  ReviewStore(Pool pool) {
    this.pool = pool;
  }

  /** The review as stored; a booking that may not be reviewed by the caller fails with the reason why. */
  Future<Review> create(UUID bookingId, Caller caller, ReviewInput review) {
    Map<String, Object> params = new HashMap<>();
    params.put("booking_id", bookingId);
    params.put("caller", caller.userId());
    params.put("rating", review.rating());
    params.put("comment", review.comment());
    return pool.withTransaction(connection -> Sql.update(connection, INSERT).mapTo(ReviewStore::review)
        .execute(params)
        .compose(rows -> Rows.first(rows)
          .map(made -> TopicRatings.refresh(connection, made.teacherId())
            .compose(rated -> Outbox.append(connection, EventType.REVIEW_CREATED, Subject.booking(bookingId),
              List.of(made.studentId(), made.teacherId()), ReviewJson.review(made)))
            .map(Optional.of(made)))
          .orElseGet(() -> Future.succeededFuture(Optional.empty()))))
      .compose(made -> made.map(Future::succeededFuture).orElseGet(() -> whyNotReviewable(bookingId, caller)));
  }

  /** Deletes the reviews the student wrote and gives each teacher they reviewed the rating of the reviews left. */
  Future<Void> erase(String studentId) {
    return pool.withTransaction(connection -> Sql.query(connection, ERASE)
      .mapTo(row -> row.getString("teacher_id")).execute(Map.of("student_id", studentId))
      .compose(teachers -> {
        Future<Void> refreshed = Future.succeededFuture();
        for (String teacher : teachers) {
          refreshed = refreshed.compose(v -> TopicRatings.refresh(connection, teacher));
        }
        return refreshed;
      }));
  }

  private Future<Review> whyNotReviewable(UUID bookingId, Caller caller) {
    return Sql.query(pool, BOOKING).execute(Map.of("booking_id", bookingId)).map(rows -> {
      Row booking = Rows.first(rows).orElseThrow(() -> DomainException.notFound("no booking " + bookingId));
      if (!caller.userId().equals(booking.getString("student_id"))) {
        throw DomainException.forbidden("only the booking's student may review it");
      }
      if (booking.getBoolean("reviewed")) {
        throw ReviewsVerticle.ALREADY_REVIEWED;
      }
      throw DomainException.conflict("only a completed booking can be reviewed; this one is " + booking.getString("status"));
    });
  }

  Future<List<Review>> ofUser(String userId, UUID after, int limit) {
    return Sql.query(pool, OF_USER).mapTo(ReviewStore::review).execute(Keyset.params(userId, after, limit))
      .map(Rows::toList);
  }

  private static Review review(Row row) {
    return new Review(row.getUUID("booking_id"), row.getString("student_id"), row.getString("teacher_id"),
      row.getInteger("rating"), row.getString("comment"), row.getOffsetDateTime("created_at"));
  }
}
