package red.sessions.vyoma.profiles;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.platform.Rows;
import red.sessions.vyoma.platform.Sql;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The profiles SQL. */
final class ProfileStore {

  // The email is shown to the profile's own user, to admins and to the other party of a booking the teacher
  // confirmed (confirmed_at stays set when it is then completed or cancelled); a booking only requested shows
  // nothing. One EXISTS per direction, each a single probe of bookings_confirmed_pairs that stops at its first
  // entry (V12; bookings/ publishes the view confirmed_pairs over it, V14), so the check costs the same whatever
  // either party's history; and none for the user or an admin.
  private static final String FIND = """
    SELECT p.user_id, p.role, p.name, p.bio, p.topics, p.created_at, p.updated_at,
           CASE WHEN shown AND p.erased_at IS NULL THEN p.email END AS email,
           CASE WHEN shown AND p.erased_at IS NULL THEN p.time_zone END AS time_zone
    FROM profiles p, LATERAL (SELECT #{admin} OR p.user_id = #{caller}
             OR EXISTS (SELECT 1 FROM confirmed_pairs c WHERE c.teacher_id = p.user_id AND c.student_id = #{caller})
             OR EXISTS (SELECT 1 FROM confirmed_pairs c WHERE c.teacher_id = #{caller} AND c.student_id = p.user_id)
             AS shown) s
    WHERE p.user_id = #{user_id}""";

  // xmax is 0 only for a row this statement inserted, which tells a create from an update in one round trip.
  private static final String UPSERT = """
    INSERT INTO profiles (user_id, role, name, email, bio, topics, time_zone)
    VALUES (#{user_id}, #{role}, #{name}, #{email}, #{bio}, #{topics}, #{time_zone})
    ON CONFLICT (user_id) DO UPDATE
      SET role = EXCLUDED.role, name = EXCLUDED.name, email = EXCLUDED.email, bio = EXCLUDED.bio,
          topics = EXCLUDED.topics, time_zone = EXCLUDED.time_zone, updated_at = now()
      WHERE profiles.erased_at IS NULL
    RETURNING id, (xmax = 0) AS created""";

  // The row stays, so the id stays reserved and the other party's history still names someone: "Deleted user".
  private static final String ERASE = """
    UPDATE profiles SET name = #{name}, email = '', bio = '', topics = '{}', time_zone = NULL,
                        erased_at = coalesce(erased_at, now()), updated_at = now()
     WHERE user_id = #{user_id}""";

  private final Pool pool;

  ProfileStore(Pool pool) {
    this.pool = pool;
  }

  /** The profile as the caller may see it: without the email unless they are its user, an admin or share a confirmed booking. */
  Future<Optional<Profile>> find(String userId, Caller caller) {
    return Sql.query(pool, FIND)
      .mapTo(row -> new Profile(
        row.getString("user_id"),
        Role.fromWire(row.getString("role")),
        row.getString("name"),
        row.getString("email"),
        row.getString("bio"),
        List.of(row.getArrayOfStrings("topics")),
        row.getString("time_zone"),
        row.getOffsetDateTime("created_at"),
        row.getOffsetDateTime("updated_at")))
      .execute(Map.of("user_id", userId, "caller", caller.userId(), "admin", caller.admin()))
      .map(Rows::first);
  }

  private static Map<String, Object> params(ProfileInput profile) {
    Map<String, Object> params = new HashMap<>();
    params.put("user_id", profile.userId());
    params.put("role", profile.role().wire());
    params.put("name", profile.name());
    params.put("email", profile.email());
    params.put("bio", profile.bio());
    params.put("topics", profile.topics().toArray(String[]::new));
    params.put("time_zone", profile.timeZone());
    return params;
  }

  /** The saved profile; empty when it was erased (its update then matches no row). */
  Future<Optional<SavedProfile>> save(ProfileInput profile) {
    return Sql.update(pool, UPSERT)
      .mapTo(row -> new SavedProfile(row.getUUID("id"), row.getBoolean("created")))
      .execute(params(profile))
      .map(Rows::first);
  }

  Future<Void> erase(String userId) {
    return Sql.update(pool, ERASE).execute(Map.of("user_id", userId, "name", ProfileService.ERASED_NAME))
      .mapEmpty();
  }
}
