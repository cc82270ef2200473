package red.sessions.vyoma.search;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import red.sessions.vyoma.kernel.Page;
import red.sessions.vyoma.platform.Rows;
import red.sessions.vyoma.platform.Sql;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The search SQL, over what profiles and reviews publish (ProfileService, ReviewService). The distinct topic keys
 * of teachers, lower-cased, come from {@code teacher_topic_keys}, under a trigram GIN index that serves all three
 * ways a topic matches, and each key's teachers from {@code teacher_topics}, best rated first; profiles keeps both.
 */
final class SearchStore {

  /** Shorter queries hold no trigram, so a substring match could not use the index; they match by similarity only. */
  static final int SHORTEST_SUBSTRING = 3;

  // similarity 0.2 lets a swapped pair of letters through ("pyhton" is 0.27 from "python"); word similarity
  // 0.6 lets a word's beginning find it ("calc" is 0.8 within "calculus"). The planner prices trigram
  // matching like any cheap operator, so it readily scans every topic, or every profile to join a page,
  // where the indexes read a few hundred rows (see bench/search); here a full scan is the last resort.
  //
  // A search makes one pass with whole-topic similarity raised to 0.6, and a second with the rule's 0.2 only when
  // the first could not make the page (see TEACHERS). The trigram index bounds a topic's similarity by the share of
  // the query's trigrams it holds, as if the topic had no others: at 0.2 one trigram of a query of five ("calc") is
  // enough, so it hands over every topic with a word beginning with c, thousands at 100,000 teachers, each rechecked
  // and dropped; at 0.6 it hands over the topics holding most of the query.
  //
  // The plan is the same whatever the query and page (those indexes, then the page's rows by key), so it is made
  // once per connection: PostgreSQL's own choice re-plans every search once its estimate of the generic plan
  // exceeds its custom plans' (at 100,000 teachers it does), and planning costs more than running it.
  private static final String GOOD_MATCHES = """
    SET LOCAL pg_trgm.similarity_threshold = 0.6;
    SET LOCAL pg_trgm.word_similarity_threshold = 0.6;
    SET LOCAL enable_seqscan = off;
    SET LOCAL plan_cache_mode = force_generic_plan""";
  private static final String EVERY_MATCH = "SET LOCAL pg_trgm.similarity_threshold = 0.2";

  /** The score from which the first pass finds every topic: both of its thresholds. */
  private static final double GOOD_MATCH = 0.6;

  // A teacher scores by their best topic: how alike the whole topic and the query are, or how well the
  // query matches a part of the topic, whichever is higher. The query is matched against the distinct topic keys,
  // far fewer than the teachers' topics. The page is the `needed` (offset + limit) best teachers. Walking the keys
  // from the best score down, once one key alone has `needed` teachers, every teacher of the page has a topic
  // scoring at least that key's score (`floor`): lower keys are left out. And a teacher of the page is among the
  // `needed` best rated of their best key (any teacher ahead of them there ranks ahead of them in the page), so
  // each key gives only that many, best rated first from its index: every teacher ranked is read in index order,
  // by the rating profiles/ keeps on their topics. Only the page's teachers need their profiles and reviews.
  // A pass finds every key scoring at least `lowest` (and, by substring, some below). Its page is the page only when
  // its floor is at least `lowest`: every key scoring at or above the floor is then among its keys. Otherwise it
  // answers nothing, and the pass with the whole rule (`lowest` 0, as a substring match may score anything) does.
  private static final String TEACHERS = """
    WITH keys AS (
      SELECT topic_key, teachers,
             greatest(similarity(topic_key, lower(#{query})), word_similarity(lower(#{query}), topic_key)) AS score
        FROM teacher_topic_keys
       WHERE topic_key % lower(#{query}) OR lower(#{query}) <% topic_key OR topic_key LIKE lower(#{substring})),
    floor AS (
      SELECT coalesce(max(score) FILTER (WHERE most >= #{limit}::bigint + #{offset}), 0) AS score
        FROM (SELECT score, max(teachers) OVER (ORDER BY score DESC) AS most FROM keys) k),
    matches AS (
      SELECT t.user_id, max(k.score) AS score, max(t.rating) AS rating
        FROM keys k
        JOIN floor f ON k.score >= f.score AND f.score >= #{lowest}::float8
        CROSS JOIN LATERAL (
          SELECT user_id, rating FROM teacher_topics
           WHERE topic_key = k.topic_key
           ORDER BY rating DESC NULLS LAST, user_id
           LIMIT #{limit}::bigint + #{offset}) t
       GROUP BY t.user_id),
    page AS (
      SELECT user_id, score, rating FROM matches
       ORDER BY score DESC, rating DESC NULLS LAST, user_id
       LIMIT #{limit} OFFSET #{offset})
    SELECT p.user_id, p.name, p.bio, p.topics, r.rating, r.reviews
      FROM page
      JOIN public_profiles p ON p.user_id = page.user_id
      CROSS JOIN LATERAL (
        SELECT round(avg(v.rating), 2)::float8 AS rating, count(*) AS reviews
          FROM review_ratings v WHERE v.teacher_id = page.user_id) r
     ORDER BY page.score DESC, page.rating DESC NULLS LAST, page.user_id""";

  private final Pool pool;

  SearchStore(Pool pool) {
    this.pool = pool;
  }

  /** One page of the teachers whose topics match the query, best match first, then higher rating. */
  Future<List<TeacherMatch>> teachers(String query, Page page) {
    Map<String, Object> params = page.params();
    params.put("query", query);
    params.put("substring", query.length() < SHORTEST_SUBSTRING ? null : "%" + escapeLike(query) + "%");
    return pool.withTransaction(connection -> connection.query(GOOD_MATCHES).execute()
      .compose(set -> page(connection, params, GOOD_MATCH))
      .compose(good -> good.isEmpty()
        ? connection.query(EVERY_MATCH).execute().compose(set -> page(connection, params, 0))
        : Future.succeededFuture(good)));
  }

  private static Future<List<TeacherMatch>> page(SqlConnection connection, Map<String, Object> params, double lowest) {
    Map<String, Object> pass = new HashMap<>(params);
    pass.put("lowest", lowest);
    return Sql.query(connection, TEACHERS).mapTo(SearchStore::teacher).execute(pass).map(Rows::toList);
  }

  /** The query as a literal part of a LIKE pattern: its wildcards and the escape character match themselves. */
  static String escapeLike(String text) {
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }

  private static TeacherMatch teacher(Row row) {
    return new TeacherMatch(row.getString("user_id"), row.getString("name"), row.getString("bio"),
      List.of(row.getArrayOfStrings("topics")), row.getDouble("rating"), row.getLong("reviews"));
  }
}
