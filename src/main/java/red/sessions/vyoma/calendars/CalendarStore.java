package red.sessions.vyoma.calendars;

import red.sessions.vyoma.kernel.Keyset;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.platform.Rows;
import red.sessions.vyoma.platform.Sql;
import red.sessions.vyoma.platform.UserRows;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The calendars SQL: its feeds, and lessons read through the views bookings/ and profiles/ publish. A user's feeds
 * are made one at a time under their profile's row lock (through {@code profile_roles}), so the count the cap is
 * checked against cannot change before the insert commits.
 */
final class CalendarStore {

  /** A feed shows lessons that end at most this long ago, and start at most {@link #DAYS_AHEAD} from now. */
  static final int DAYS_BACK = 30;
  static final int DAYS_AHEAD = 365;
  /** A cancelled lesson stays in feeds this long after its cancellation, so that subscribed apps remove it. */
  static final int CANCELLED_KEPT_DAYS = 30;

  private static final String LESSON = Lesson.SELECT + " WHERE l.id = #{id}";

  // One round trip: the feed's owner (no row: no such feed), and their lessons in the window beside it (a feed
  // without lessons is one row of nulls). Either party's lessons, by bookings_by_student and bookings_by_teacher.
  private static final String FEED = """
    WITH owner AS (SELECT user_id FROM calendar_feeds WHERE token_hash = #{token_hash})
    SELECT o.user_id AS owner, lesson.*
      FROM owner o LEFT JOIN LATERAL (
        %s
         WHERE (l.student_id = o.user_id OR l.teacher_id = o.user_id)
           AND l.end_time > now() - make_interval(days => %d) AND l.start_time < now() + make_interval(days => %d)
           AND (l.status <> 'cancelled' OR l.changed_at > now() - make_interval(days => %d))) lesson ON true
     ORDER BY lesson.start_time, lesson.id""".formatted(Lesson.SELECT, DAYS_BACK, DAYS_AHEAD, CANCELLED_KEPT_DAYS);

  private static final String LESSONS_OF = Lesson.SELECT + """

     WHERE (l.student_id = #{user_id} OR l.teacher_id = #{user_id}) AND (#{after}::uuid IS NULL OR l.id > #{after})
     ORDER BY l.id
     LIMIT #{limit}""";

  private static final String LOCK_OWNER = "SELECT user_id FROM profile_roles WHERE user_id = #{user_id} FOR NO KEY UPDATE";
  private static final String INSERT = """
    INSERT INTO calendar_feeds (user_id, token_hash)
    SELECT #{user_id}, #{token_hash}
     WHERE (SELECT count(*) FROM calendar_feeds WHERE user_id = #{user_id}) < #{cap}
    RETURNING id, created_at""";
  private static final String LIST = """
    SELECT id, created_at FROM calendar_feeds WHERE user_id = #{user_id} ORDER BY created_at, id""";
  private static final String DELETE = """
    DELETE FROM calendar_feeds WHERE id = #{id} AND (#{admin} OR user_id = #{user_id})""";

  private final Pool pool;

  CalendarStore(Pool pool) {
    this.pool = pool;
  }

  Future<Optional<Lesson>> lesson(UUID bookingId) {
    return Sql.query(pool, LESSON).mapTo(Lesson::of).execute(Map.of("id", bookingId)).map(Rows::first);
  }

  Future<List<Lesson>> lessonsOf(String userId, UUID after, int limit) {
    return Sql.query(pool, LESSONS_OF).mapTo(Lesson::of).execute(Keyset.params(userId, after, limit))
      .map(Rows::toList);
  }

  /** The feed's owner and lessons, or empty when no feed has this token. */
  Future<Optional<FeedLessons>> feed(String token) {
    return Sql.query(pool, FEED).execute(Map.of("token_hash", FeedToken.hash(token))).map(CalendarStore::feedLessons);
  }

  /** A feed's owner and their lessons, oldest first. */
  record FeedLessons(String owner, List<Lesson> lessons) {
  }

  private static Optional<FeedLessons> feedLessons(RowSet<Row> rows) {
    if (rows.size() == 0) {
      return Optional.empty();
    }
    List<Row> all = Rows.toList(rows);
    return Optional.of(new FeedLessons(all.get(0).getString("owner"),
      all.stream().filter(row -> row.getUUID("id") != null).map(Lesson::of).toList()));
  }

  /** The new feed, unless the user has {@code cap} already; a user without a profile has no lessons to show. */
  Future<Feed> create(String userId, String token, int cap) {
    Map<String, Object> params = Map.of("user_id", userId, "token_hash", FeedToken.hash(token), "cap", cap);
    return pool.withTransaction(connection -> Sql.query(connection, LOCK_OWNER).execute(params)
      .compose(owner -> {
        if (owner.size() == 0) {
          throw DomainException.conflict("a calendar feed shows its owner's lessons; create your profile first");
        }
        return Sql.update(connection, INSERT).mapTo(CalendarStore::feed).execute(params);
      })
      .map(made -> Rows.first(made).orElseThrow(() -> DomainException.conflict(
        "you have " + cap + " calendar feeds, the most one user may have; revoke one first"))));
  }

  Future<List<Feed>> feeds(String userId) {
    return Sql.query(pool, LIST).mapTo(CalendarStore::feed).execute(Map.of("user_id", userId)).map(Rows::toList);
  }

  /** Whether a feed was revoked: one with this id that the caller owns, or any with it for an admin. */
  Future<Boolean> revoke(UUID feedId, String userId, boolean admin) {
    return Sql.update(pool, DELETE).execute(Map.of("id", feedId, "user_id", userId, "admin", admin))
      .map(deleted -> deleted.rowCount() == 1);
  }

  private static Feed feed(Row row) {
    return new Feed(row.getUUID("id"), row.getOffsetDateTime("created_at"));
  }

  Future<Void> erase(String userId) {
    return UserRows.erase(pool, userId, "DELETE FROM calendar_feeds WHERE user_id = #{user_id}");
  }
}
