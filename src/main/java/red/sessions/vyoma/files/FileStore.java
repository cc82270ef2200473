package red.sessions.vyoma.files;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.templates.SqlTemplate;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.platform.Rows;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

  private final Pool pool;

  FileStore(Pool pool) {
    this.pool = pool;
  }

  Future<Void> issue(String key, String ownerId, String fileName, String contentType) {
    return SqlTemplate.forUpdate(pool, ISSUE)
      .execute(Map.of("key", key, "owner_id", ownerId, "file_name", fileName, "content_type", contentType))
      .mapEmpty();
  }

  /** How many of the (distinct) keys name files issued to the owner. */
  Future<Long> owned(String[] keys, String ownerId) {
    return SqlTemplate.forQuery(pool, OWNED).mapTo(row -> row.getLong("owned"))
      .execute(Map.of("keys", keys, "owner_id", ownerId))
      .map(rows -> rows.iterator().next());
  }

  Future<Optional<Issued>> find(String key, Caller caller) {
    return SqlTemplate.forQuery(pool, FIND)
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
    return SqlTemplate.forQuery(pool, UPLOADED_BY)
      .mapTo(row -> new UploadedFile(row.getString("key"), row.getString("file_name"), row.getString("content_type"),
        row.getOffsetDateTime("created_at")))
      .execute(params).map(Rows::toList);
  }
}
