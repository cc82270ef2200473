package red.sessions.vyoma.files;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.platform.Rows;
import red.sessions.vyoma.platform.Sql;

import java.util.HashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.Optional;

/** The files SQL: which files were issued, to whom, and who may read them. */
final class FileStore {

  /** An issued file as the caller may see it. */
  record Issued(String fileName, String contentType, boolean readable) {
  }

  private static final String ISSUE = """
    INSERT INTO files (key, owner_id, file_name, content_type)
    VALUES (#{key}, #{owner_id}, #{file_name}, #{content_type})""";

  // Readable by its uploader, and by both parties of every session it was shared in.
  private static final String FIND = """
    SELECT f.file_name, f.content_type,
           (f.owner_id = #{caller} OR EXISTS (
              SELECT 1 FROM shared_files sf WHERE sf.file_key = f.key AND #{caller} IN (sf.student_id, sf.teacher_id)))
             AS readable
      FROM files f WHERE f.key = #{key}""";

  private static final String OWNED = """
    SELECT count(*) AS owned FROM files WHERE key = ANY (#{keys}) AND owner_id = #{owner_id}""";

  // By files_by_owner, a page at a time after the last one's (created_at, key).
  private static final String UPLOADED_BY = """
    SELECT key, file_name, content_type, created_at FROM files
     WHERE owner_id = #{owner_id}
       AND (#{after_time}::timestamptz IS NULL OR (created_at, key) > (#{after_time}, #{after_key}))
     ORDER BY created_at, key
     LIMIT #{limit}""";

  static final int ERASE_BATCH = 100;

  private static final String DISCARD_OWNED = """
    DELETE FROM files WHERE key IN (SELECT key FROM files WHERE owner_id = #{owner_id} LIMIT #{batch} FOR UPDATE)
    RETURNING key""";

  // Never a file shared meanwhile: a session's entry would keep it (and its foreign key refuses the delete anyway).
  private static final String DISCARD_UNSHARED = """
    DELETE FROM files f WHERE f.key = #{key} AND NOT EXISTS (SELECT 1 FROM shared_files s WHERE s.file_key = f.key)
    RETURNING key""";

  private final Pool pool;

  FileStore(Pool pool) {
    this.pool = pool;
  }

  Future<Void> issue(String key, String ownerId, String fileName, String contentType) {
    return Sql.update(pool, ISSUE)
      .execute(Map.of("key", key, "owner_id", ownerId, "file_name", fileName, "content_type", contentType))
      .mapEmpty();
  }

  /** How many of the (distinct) keys name files issued to the owner. */
  Future<Long> owned(String[] keys, String ownerId) {
    return Sql.query(pool, OWNED).mapTo(row -> row.getLong("owned"))
      .execute(Map.of("keys", keys, "owner_id", ownerId))
      .map(rows -> rows.iterator().next());
  }

  Future<Optional<Issued>> find(String key, Caller caller) {
    return Sql.query(pool, FIND)
      .mapTo(row -> new Issued(row.getString("file_name"), row.getString("content_type"),
        caller.admin() || row.getBoolean("readable")))
      .execute(Map.of("key", key, "caller", caller.userId()))
      .map(Rows::first);
  }

  Future<List<UploadedFile>> uploadedBy(String ownerId, UploadedFile after, int limit) {
    Map<String, Object> params = new HashMap<>();
    params.put("owner_id", ownerId);
    params.put("after_time", after == null ? null : after.issuedAt());
    params.put("after_key", after == null ? null : after.key());
    params.put("limit", limit);
    return Sql.query(pool, UPLOADED_BY)
      .mapTo(row -> new UploadedFile(row.getString("key"), row.getString("file_name"), row.getString("content_type"),
        row.getOffsetDateTime("created_at")))
      .execute(params).map(Rows::toList);
  }

  /**
   * Deletes up to {@link #ERASE_BATCH} of the owner's files: the rows, and their objects by {@code deleteObjects}
   * before the rows' deletion commits, so that a failure leaves both for the next try. Answers how many went.
   */
  Future<Integer> discardOwned(String ownerId, Function<List<String>, Future<?>> deleteObjects) {
    return pool.withTransaction(connection -> Sql.query(connection, DISCARD_OWNED)
      .mapTo(row -> row.getString("key")).execute(Map.of("owner_id", ownerId, "batch", ERASE_BATCH))
      .compose(rows -> {
        List<String> keys = new ArrayList<>();
        rows.forEach(keys::add);
        return deleteObjects.apply(keys).map(keys.size());
      }));
  }

  /** Deletes the file if no session shares it, its object by {@code deleteObject} before the row's deletion commits. */
  Future<Void> discardUnshared(String key, Function<String, Future<?>> deleteObject) {
    return pool.withTransaction(connection -> Sql.query(connection, DISCARD_UNSHARED)
      .execute(Map.of("key", key))
      .compose(rows -> rows.size() == 0 ? Future.succeededFuture() : deleteObject.apply(key))
      .mapEmpty());
  }
}
