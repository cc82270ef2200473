package red.sessions.vyoma.profiles;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import red.sessions.vyoma.platform.Sql;

import java.util.Map;

/**
 * Each teacher topic row carries the teacher's rating, so that search reads a topic's teachers best rated first
 * from one index ({@code profile_topics_by_key}) and ranks a page of them, not every teacher of the topic.
 * reviews/ calls {@link #refresh} in a review's own transaction; profiles' trigger sets it when it writes a
 * teacher's topics. Both read the rating through {@code review_ratings}, as reviews/ publishes it.
 */
public final class TopicRatings {

  // Under the teacher's profile row, which a profile save holds too, so that a review and a save (or two
  // reviews) of one teacher take turns; the next statement reads every review committed before the lock.
  private static final String LOCK = """
    SELECT 1 FROM profiles WHERE user_id = #{teacher_id} FOR NO KEY UPDATE""";

  private static final String REFRESH = """
    UPDATE profile_topics
       SET rating = (SELECT round(avg(v.rating), 2)::float8 FROM review_ratings v WHERE v.teacher_id = #{teacher_id})
     WHERE user_id = #{teacher_id}""";

  private TopicRatings() {
  }

  /** The teacher's topics take their rating again, now that a review of theirs is written on this connection. */
  public static Future<Void> refresh(SqlClient client, String teacherId) {
    Map<String, Object> params = Map.of("teacher_id", teacherId);
    return Sql.query(client, LOCK).execute(params)
      .compose(locked -> Sql.update(client, REFRESH).execute(params))
      .mapEmpty();
  }
}
