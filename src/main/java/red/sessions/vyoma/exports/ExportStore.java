package red.sessions.vyoma.exports;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.kernel.Page;
import red.sessions.vyoma.platform.Rows;
import red.sessions.vyoma.platform.Sql;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The exports SQL. One export at a time per user is the partial unique index {@code exports_one_pending_per_user}:
 * a request that meets it inserts nothing and is answered the pending export. A builder's writes count only under
 * its own claim, so a builder that lost its lease (and whose export another node took over) changes nothing.
 */
final class ExportStore {

  /** A claim runs out this long after it was made or last renewed: then another node takes the export over. */
  static final int LEASE_SECONDS = 120;
  /** An export whose builders died this many times fails, rather than being tried for ever. */
  static final int MAX_ATTEMPTS = 3;

  // Only a user with a profile (profiles/ publishes who has one) is exported. The pending export met by the insert is
  // read by the same statement; one committed by another request after this statement began is not in its snapshot,
  // so an empty answer for a user with a profile is asked again.
  private static final String REQUEST = """
    WITH made AS (
      INSERT INTO exports (id, user_id, requested_by)
      SELECT #{id}, #{user_id}, #{requested_by} WHERE EXISTS (SELECT 1 FROM profile_roles WHERE user_id = #{user_id})
      ON CONFLICT (user_id) WHERE status = 'pending' DO NOTHING
      RETURNING %1$s)
    SELECT %1$s FROM made
    UNION ALL
    SELECT %1$s FROM exports WHERE user_id = #{user_id} AND status = 'pending'
    UNION ALL
    SELECT NULL, NULL, NULL, 'no_profile', NULL, NULL, NULL, NULL, NULL, NULL
     WHERE NOT EXISTS (SELECT 1 FROM profile_roles WHERE user_id = #{user_id})
    LIMIT 1""".formatted(Export.COLUMNS);

  private static final String FIND = "SELECT " + Export.COLUMNS + " FROM exports WHERE id = #{id}";
  private static final String LIST = "SELECT " + Export.COLUMNS + """
     FROM exports
    ORDER BY created_at DESC, id DESC
    LIMIT #{limit} OFFSET #{offset}""";

  // The oldest pending export nobody holds (never claimed, or its lease ran out: its builder died).
  private static final String CLAIM = """
    UPDATE exports SET claim = #{claim}, claimed_until = now() + make_interval(secs => #{lease}), attempts = attempts + 1
     WHERE id = (SELECT id FROM exports
                  WHERE status = 'pending' AND (claimed_until IS NULL OR claimed_until < now())
                  ORDER BY claimed_until NULLS FIRST, created_at
                  LIMIT 1
                    FOR UPDATE SKIP LOCKED)
    RETURNING id, user_id, attempts""";
  private static final String RENEW = """
    UPDATE exports SET claimed_until = now() + make_interval(secs => #{lease})
     WHERE id = #{id} AND claim = #{claim} AND status = 'pending'""";
  private static final String READY = """
    UPDATE exports SET status = 'ready', object_key = #{object_key}, size_bytes = #{size_bytes}, finished_at = now(),
                       claim = NULL, claimed_until = NULL
     WHERE id = #{id} AND claim = #{claim} AND status = 'pending'""";
  private static final String FAILED = """
    UPDATE exports SET status = 'failed', error = #{error}, finished_at = now(), claim = NULL, claimed_until = NULL
     WHERE id = #{id} AND claim = #{claim} AND status = 'pending'""";
  private static final String EXPIRED = """
    UPDATE exports SET status = 'expired', object_key = NULL, expired_at = now()
     WHERE id = #{id} AND status = 'ready'""";

  /** A pending export this node now builds, under {@code claim}; {@code attempt} counts this one. */
  record Claimed(UUID id, String userId, int attempt, UUID claim) {
  }

  private final Pool pool;

  ExportStore(Pool pool) {
    this.pool = pool;
  }

  /** The user's new export, or the pending one; not found when the user has no profile. */
  Future<Export> request(String userId, String requestedBy) {
    Map<String, Object> params = Map.of("id", UUID.randomUUID(), "user_id", userId, "requested_by", requestedBy);
    return Sql.update(pool, REQUEST).mapTo(Export::of).execute(params).compose(rows -> {
      Optional<Export> answer = Rows.first(rows);
      if (answer.isEmpty()) {
        return request(userId, requestedBy);
      }
      if ("no_profile".equals(answer.get().status())) {
        throw DomainException.notFound("no profile for user_id " + userId);
      }
      return Future.succeededFuture(answer.get());
    });
  }

  Future<Optional<Export>> find(UUID id) {
    return Sql.query(pool, FIND).mapTo(Export::of).execute(Map.of("id", id)).map(Rows::first);
  }

  Future<List<Export>> list(Page page) {
    return Sql.query(pool, LIST).mapTo(Export::of).execute(page.params()).map(Rows::toList);
  }

  Future<Optional<Claimed>> claim() {
    UUID claim = UUID.randomUUID();
    return Sql.update(pool, CLAIM)
      .mapTo(row -> new Claimed(row.getUUID("id"), row.getString("user_id"), row.getInteger("attempts"), claim))
      .execute(Map.of("claim", claim, "lease", LEASE_SECONDS)).map(Rows::first);
  }

  /** Whether the claim still holds (it is renewed): false once another node took the export over. */
  Future<Boolean> renew(Claimed claimed) {
    return Sql.update(pool, RENEW)
      .execute(Map.of("id", claimed.id(), "claim", claimed.claim(), "lease", LEASE_SECONDS))
      .map(updated -> updated.rowCount() == 1);
  }

  Future<Void> ready(Claimed claimed, String objectKey, long sizeBytes) {
    return Sql.update(pool, READY)
      .execute(Map.of("id", claimed.id(), "claim", claimed.claim(), "object_key", objectKey, "size_bytes", sizeBytes))
      .mapEmpty();
  }

  Future<Void> failed(Claimed claimed, String error) {
    Map<String, Object> params = new HashMap<>();
    params.put("id", claimed.id());
    params.put("claim", claimed.claim());
    params.put("error", error);
    return Sql.update(pool, FAILED).execute(params).mapEmpty();
  }

  /** Records that the export's ZIP was deleted from the store. */
  Future<Void> expired(UUID id) {
    return Sql.update(pool, EXPIRED).execute(Map.of("id", id)).mapEmpty();
  }
}
