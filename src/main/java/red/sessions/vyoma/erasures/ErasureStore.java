package red.sessions.vyoma.erasures;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import red.sessions.vyoma.kernel.Ids;
import red.sessions.vyoma.kernel.Page;
import red.sessions.vyoma.platform.Rows;
import red.sessions.vyoma.platform.Sql;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The erasures SQL: requests, reads, and the claims and steps of the runner. */
final class ErasureStore {

  // Only a user with a profile (profiles/ publishes profile_roles) is erased; erasures_one_per_user makes a second
  // request a no-op, answered with the first.
  private static final String REQUEST = """
    INSERT INTO erasures (id, user_id, requested_by, reason)
    SELECT #{id}, user_id, #{requested_by}, #{reason} FROM profile_roles WHERE user_id = #{user_id}
    ON CONFLICT ON CONSTRAINT erasures_one_per_user DO NOTHING
    RETURNING\s""" + Erasure.COLUMNS;
  private static final String OF_USER = "SELECT " + Erasure.COLUMNS + " FROM erasures WHERE user_id = #{user_id}";
  private static final String GET = "SELECT " + Erasure.COLUMNS + " FROM erasures WHERE id = #{id}";
  private static final String LIST = "SELECT " + Erasure.COLUMNS
    + " FROM erasures ORDER BY created_at DESC, id LIMIT #{limit} OFFSET #{offset}";
  private static final String ERASED_USERS = "SELECT user_id FROM erasures";

  // The oldest job no node holds; a node that died holding one lets it go when its lease runs out.
  private static final String CLAIM = """
    UPDATE erasures SET status = 'running', attempts = attempts + 1, updated_at = now(),
                        claimed_until = now() + make_interval(secs => #{lease_seconds})
     WHERE id = (SELECT id FROM erasures
                  WHERE step <> 'done' AND (claimed_until IS NULL OR claimed_until < now())
                  ORDER BY created_at LIMIT 1
                    FOR UPDATE SKIP LOCKED)
    RETURNING id, user_id, step""";
  // From the step just run to the next, and only from it: a step another node finished meanwhile is not recorded twice.
  private static final String ADVANCE = """
    UPDATE erasures SET step = #{next}, error = NULL, updated_at = now(),
                        claimed_until = now() + make_interval(secs => #{lease_seconds}),
                        status = CASE WHEN #{next} = 'done' THEN 'completed' ELSE status END,
                        completed_at = CASE WHEN #{next} = 'done' THEN now() END
     WHERE id = #{id} AND step = #{step}
    RETURNING id""";
  // The job is let go at once, so that the next round (of any node) tries again.
  private static final String FAILED = """
    UPDATE erasures SET error = #{error}, claimed_until = now() + make_interval(secs => #{retry_seconds}),
                        updated_at = now()
     WHERE id = #{id} AND step = #{step}""";
  private static final String FUTURE_BOOKINGS = """
    SELECT id FROM active_bookings
     WHERE (student_id = #{user_id} OR teacher_id = #{user_id}) AND start_time > now() ORDER BY start_time""";
  private static final String ROLE = "SELECT role FROM profile_roles WHERE user_id = #{user_id}";

  /** A job a node claimed: whose, and the step to run. */
  record Claimed(UUID id, String userId, String step) {
  }

  private final Pool pool;

  ErasureStore(Pool pool) {
    this.pool = pool;
  }

  Future<Optional<Erasure>> request(String userId, String requestedBy, String reason) {
    Map<String, Object> params = new HashMap<>();
    params.put("id", Ids.timeOrdered());
    params.put("user_id", userId);
    params.put("requested_by", requestedBy);
    params.put("reason", reason);
    return Sql.query(pool, REQUEST).mapTo(Erasure::of).execute(params).map(Rows::first);
  }

  Future<Optional<Erasure>> ofUser(String userId) {
    return Sql.query(pool, OF_USER).mapTo(Erasure::of).execute(Map.of("user_id", userId)).map(Rows::first);
  }

  Future<Optional<Erasure>> get(UUID id) {
    return Sql.query(pool, GET).mapTo(Erasure::of).execute(Map.of("id", id)).map(Rows::first);
  }

  Future<List<Erasure>> list(Page page) {
    return Sql.query(pool, LIST).mapTo(Erasure::of).execute(page.params()).map(Rows::toList);
  }

  Future<List<String>> erasedUsers() {
    return Sql.query(pool, ERASED_USERS).mapTo(row -> row.getString("user_id")).execute(Map.of())
      .map(Rows::toList);
  }

  Future<Optional<Claimed>> claim(long leaseSeconds) {
    return Sql.query(pool, CLAIM)
      .mapTo(row -> new Claimed(row.getUUID("id"), row.getString("user_id"), row.getString("step")))
      .execute(Map.of("lease_seconds", leaseSeconds)).map(Rows::first);
  }

  /** Whether this call moved the job on (false when another node had). */
  Future<Boolean> advance(UUID id, String step, String next, long leaseSeconds) {
    return Sql.query(pool, ADVANCE)
      .execute(Map.of("id", id, "step", step, "next", next, "lease_seconds", leaseSeconds))
      .map(rows -> rows.size() == 1);
  }

  Future<Void> failed(UUID id, String step, String error, long retrySeconds) {
    return Sql.update(pool, FAILED)
      .execute(Map.of("id", id, "step", step, "error", error, "retry_seconds", retrySeconds)).mapEmpty();
  }

  Future<List<UUID>> futureBookings(String userId) {
    return Sql.query(pool, FUTURE_BOOKINGS).mapTo(row -> row.getUUID("id"))
      .execute(Map.of("user_id", userId)).map(Rows::toList);
  }

  Future<Optional<String>> role(String userId) {
    return Sql.query(pool, ROLE).mapTo(row -> row.getString("role"))
      .execute(Map.of("user_id", userId)).map(Rows::first);
  }
}
