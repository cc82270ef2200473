package red.sessions.vyoma.packages;

import red.sessions.vyoma.kernel.Keyset;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.bus.Echo;
import red.sessions.vyoma.events.EventType;
import red.sessions.vyoma.events.Outbox;
import red.sessions.vyoma.kernel.Page;
import red.sessions.vyoma.platform.Rows;
import red.sessions.vyoma.platform.Sql;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The packages SQL. */
final class PackageStore {

  static final String SELECT = """
    SELECT p.id, p.student_id, p.teacher_id, p.lessons, p.remaining, p.expires_at, p.created_at,
           COALESCE((SELECT jsonb_agg(jsonb_build_object('change', l.change, 'reason', l.reason,
                                                         'booking_id', l.booking_id, 'at', l.at) ORDER BY l.id)
                       FROM package_ledger l WHERE l.package_id = p.id), '[]'::jsonb) AS ledger
      FROM packages p""";
  private static final String FIND = SELECT + " WHERE p.id = #{id}";
  private static final String OF_USER = SELECT + """

     WHERE (p.student_id = #{user_id} OR p.teacher_id = #{user_id}) AND (#{after}::uuid IS NULL OR p.id > #{after})
     ORDER BY p.id
     LIMIT #{limit}""";
  // A package's lessons end as at its expiry (PackageExpiry): the ledger says how many went, and it ends now.
  private static final String END = """
    WITH ending AS (
      SELECT id, remaining FROM packages
       WHERE (student_id = #{user_id} OR teacher_id = #{user_id}) AND remaining > 0
         FOR NO KEY UPDATE),
    entries AS (INSERT INTO package_ledger (package_id, change, reason) SELECT id, -remaining, 'expired' FROM ending)
    UPDATE packages p SET remaining = 0, expires_at = least(coalesce(p.expires_at, now()), now())
      FROM ending e WHERE p.id = e.id""";
  private static final String LIST = SELECT + """

     WHERE (#{student_id}::text IS NULL OR p.student_id = #{student_id})
       AND (#{teacher_id}::text IS NULL OR p.teacher_id = #{teacher_id})
     ORDER BY p.created_at, p.id
     LIMIT #{limit} OFFSET #{offset}""";

  // A row to insert exists only when the student has a profile and the teacher a teacher profile; the grant is
  // the ledger's first entry, written in the same statement.
  private static final String GRANT = """
    WITH granted AS (
      INSERT INTO packages (student_id, teacher_id, lessons, remaining, expires_at, granted_by)
      SELECT s.user_id, t.user_id, #{lessons}, #{lessons}, #{expires_at}, #{granted_by}
        FROM profile_roles s JOIN profile_roles t ON t.user_id = #{teacher_id} AND t.role = 'teacher'
       WHERE s.user_id = #{student_id}
      RETURNING id, lessons)
    INSERT INTO package_ledger (package_id, change, reason) SELECT id, lessons, 'granted' FROM granted
    RETURNING package_id""";
  private static final String PARTIES = """
    SELECT EXISTS (SELECT 1 FROM profile_roles WHERE user_id = #{student_id}) AS student,
           EXISTS (SELECT 1 FROM profile_roles WHERE user_id = #{teacher_id} AND role = 'teacher') AS teacher""";

  private final Pool pool;

  PackageStore(Pool pool) {
    this.pool = pool;
  }

  /** Grants the package and announces it ({@code package.created}), in one transaction. */
  Future<UUID> grant(NewPackage grant, String grantedBy) {
    Map<String, Object> params = new HashMap<>();
    params.put("student_id", grant.studentId());
    params.put("teacher_id", grant.teacherId());
    params.put("lessons", grant.lessons());
    params.put("expires_at", grant.expiresAt());
    params.put("granted_by", grantedBy);
    return pool.withTransaction(connection -> Sql.update(connection, GRANT).mapTo(row -> row.getUUID("package_id"))
      .execute(params)
      .compose(rows -> Rows.first(rows)
        .map(id -> find(connection, id).compose(granted -> Outbox.append(connection,
          granted.orElseThrow().event(EventType.PACKAGE_CREATED, null))).map(id))
        .orElseGet(() -> whyNot(grant))));
  }

  private Future<UUID> whyNot(NewPackage grant) {
    return Sql.query(pool, PARTIES).execute(Map.of("student_id", grant.studentId(), "teacher_id", grant.teacherId()))
      .map(rows -> {
        throw rows.iterator().next().getBoolean("teacher")
          ? DomainException.invalid("student_id has no profile; lessons are granted only to a user with one")
          : DomainException.invalid("teacher_id " + Echo.of(grant.teacherId()) + " is not a teacher");
      });
  }

  Future<Optional<Package>> find(UUID id) {
    return find(pool, id);
  }

  /** The package with its ledger as {@code client} sees it (in a transaction: with that transaction's changes). */
  static Future<Optional<Package>> find(SqlClient client, UUID id) {
    return Sql.query(client, FIND).mapTo(Package::of).execute(Map.of("id", id)).map(Rows::first);
  }

  /** The lessons left in the user's packages expire now, as PackageExpiry expires them; again, nothing more happens. */
  Future<Void> end(String userId) {
    return Sql.update(pool, END).execute(Map.of("user_id", userId)).mapEmpty();
  }

  Future<List<Package>> ofUser(String userId, UUID after, int limit) {
    return Sql.query(pool, OF_USER).mapTo(Package::of).execute(Keyset.params(userId, after, limit))
      .map(Rows::toList);
  }

  Future<List<Package>> list(String studentId, String teacherId, Page page) {
    Map<String, Object> params = page.params();
    params.put("student_id", studentId);
    params.put("teacher_id", teacherId);
    return Sql.query(pool, LIST).mapTo(Package::of).execute(params).map(Rows::toList);
  }
}
