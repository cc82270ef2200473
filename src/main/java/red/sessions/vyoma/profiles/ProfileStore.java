package red.sessions.vyoma.profiles;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.templates.SqlTemplate;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.platform.Rows;
import red.sessions.vyoma.bus.Times;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The profiles SQL. */
final class ProfileStore {

  /** What a save did: the profile's id, and whether the profile is new. */
  record Saved(String profileId, boolean created) {
  }

  // The email is shown to the profile's own user and to anyone who shares a booking with them.
  private static final String FIND = """
    SELECT p.user_id, p.role, p.name, p.email, p.bio, p.topics, p.created_at, p.updated_at,
           (p.user_id = #{caller} OR EXISTS (
              SELECT 1 FROM bookings b
               WHERE (b.student_id = p.user_id AND b.teacher_id = #{caller})
                  OR (b.teacher_id = p.user_id AND b.student_id = #{caller}))) AS shares_email
    FROM profiles p WHERE p.user_id = #{user_id}""";

  // xmax is 0 only for a row this statement inserted, which tells a create from an update in one round trip.
  private static final String UPSERT = """
    INSERT INTO profiles (user_id, role, name, email, bio, topics)
    VALUES (#{user_id}, #{role}, #{name}, #{email}, #{bio}, #{topics})
    ON CONFLICT (user_id) DO UPDATE
      SET role = EXCLUDED.role, name = EXCLUDED.name, email = EXCLUDED.email, bio = EXCLUDED.bio,
          topics = EXCLUDED.topics, updated_at = now()
    RETURNING id, (xmax = 0) AS created""";

  private final Pool pool;

  ProfileStore(Pool pool) {
    this.pool = pool;
  }

  /** The profile as the caller may see it: without the email unless they are its user or share a booking. */
  Future<Optional<JsonObject>> find(String userId, Caller caller) {
    return SqlTemplate.forQuery(pool, FIND)
      .mapTo(row -> {
        JsonObject profile = toJson(row);
        if (!caller.admin() && !row.getBoolean("shares_email")) {
          profile.remove("email");
        }
        return profile;
      })
      .execute(Map.of("user_id", userId, "caller", caller.userId()))
      .map(Rows::first);
  }

  Future<Saved> save(ProfileInput profile) {
    return SqlTemplate.forUpdate(pool, UPSERT)
      .mapTo(row -> new Saved(row.getUUID("id").toString(), row.getBoolean("created")))
      .execute(Map.of(
        "user_id", profile.userId(),
        "role", profile.role().wire(),
        "name", profile.name(),
        "email", profile.email(),
        "bio", profile.bio(),
        "topics", profile.topics().toArray(String[]::new)))
      .map(rows -> rows.iterator().next());
  }

  private static JsonObject toJson(Row row) {
    return new JsonObject()
      .put("user_id", row.getString("user_id"))
      .put("role", row.getString("role"))
      .put("name", row.getString("name"))
      .put("email", row.getString("email"))
      .put("bio", row.getString("bio"))
      .put("topics", new JsonArray(List.of(row.getArrayOfStrings("topics"))))
      .put("created_at", Times.format(row.getOffsetDateTime("created_at")))
      .put("updated_at", Times.format(row.getOffsetDateTime("updated_at")));
  }
}
