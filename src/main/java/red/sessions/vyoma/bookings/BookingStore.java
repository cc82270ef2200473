package red.sessions.vyoma.bookings;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.templates.SqlTemplate;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.platform.Rows;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.bus.Page;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The bookings SQL. Overlaps are refused by the table's exclusion constraints, not checked here. */
final class BookingStore {

  private static final String LIST = "SELECT " + Booking.COLUMNS + """
     FROM bookings
    WHERE (#{student_id}::text IS NULL OR student_id = #{student_id})
      AND (#{teacher_id}::text IS NULL OR teacher_id = #{teacher_id})
    ORDER BY start_time, id
    LIMIT #{limit} OFFSET #{offset}""";

  private static final String FIND = "SELECT " + Booking.COLUMNS + " FROM bookings WHERE id = #{id}";

  // A row to insert exists only when the teacher is a teacher and one of their slots holds the whole time.
  // Bookings of one teacher, or of one student, are made one at a time: two overlapping inserts that check an
  // exclusion constraint at the same moment each find the other's row and wait for it, a deadlock PostgreSQL
  // breaks a second later by failing one (a 500). With both parties' profiles locked first, in one order, the
  // later booking waits for the earlier to finish and then meets its row (a 409). The lock is taken in the
  // insert itself, one round trip: the slot's condition counts the locked rows, so both are locked before
  // any row goes in.
  private static final String INSERT = """
    WITH parties AS (
      SELECT user_id FROM profiles WHERE user_id IN (#{student_id}, #{teacher_id}) ORDER BY user_id FOR NO KEY UPDATE)
    INSERT INTO bookings (student_id, teacher_id, slot_id, start_time, end_time)
    SELECT #{student_id}, s.teacher_id, s.id, #{start_time}, #{end_time}
      FROM availability_slots s
      JOIN profiles t ON t.user_id = s.teacher_id AND t.role = 'teacher'
     WHERE s.teacher_id = #{teacher_id} AND s.start_time <= #{start_time} AND s.end_time >= #{end_time}
       AND (SELECT count(*) FROM parties) > 0
    RETURNING id""";

  private static final String IS_TEACHER =
    "SELECT EXISTS (SELECT 1 FROM profiles WHERE user_id = #{teacher_id} AND role = 'teacher') AS teacher";

  // A key older than its lifetime counts as unused, whether or not the cleanup has deleted it yet: the
  // request that sends it again takes the row over, as if it were new.
  private static final String CLAIM_KEY = """
    INSERT INTO booking_idempotency_keys AS k (caller_id, key, request_hash) VALUES (#{caller_id}, #{key}, #{hash})
    ON CONFLICT (caller_id, key) DO UPDATE
       SET request_hash = EXCLUDED.request_hash, booking_id = NULL, created_at = now()
     WHERE k.created_at < now() - #{ttl_seconds}::int * interval '1 second'""";
  private static final String RECORD_KEY = """
    UPDATE booking_idempotency_keys SET booking_id = #{booking_id} WHERE caller_id = #{caller_id} AND key = #{key}""";
  private static final String FIND_KEY = """
    SELECT request_hash, booking_id FROM booking_idempotency_keys WHERE caller_id = #{caller_id} AND key = #{key}""";

  // Compare-and-set: the row changes only from a status the target is reachable from, only for a party
  // allowed to make that change, and only at the expected version. A confirmation is remembered for good
  // (confirmed_at), whatever happens to the booking after.
  private static final String CHANGE_STATUS = """
    UPDATE bookings
       SET status = #{status}, cancel_reason = #{reason}, version = version + 1, updated_at = now(),
           confirmed_at = CASE WHEN #{status} = 'confirmed' THEN now() ELSE confirmed_at END
     WHERE id = #{id}
       AND status = ANY (#{from})
       AND (#{admin} OR teacher_id = #{caller} OR (NOT #{teacher_only} AND student_id = #{caller}))
       AND version = #{version}
    RETURNING\s""" + Booking.COLUMNS;

  private final Pool pool;
  private final int keyTtlSeconds;

  BookingStore(Pool pool, int keyTtlSeconds) {
    this.pool = pool;
    this.keyTtlSeconds = keyTtlSeconds;
  }

  Future<List<Booking>> list(String studentId, String teacherId, Page page) {
    Map<String, Object> params = new HashMap<>();
    params.put("student_id", studentId);
    params.put("teacher_id", teacherId);
    params.put("limit", page.limit());
    params.put("offset", page.offset());
    return SqlTemplate.forQuery(pool, LIST).mapTo(Booking::of).execute(params)
      .map(Rows::toList);
  }

  Future<Optional<Booking>> find(UUID id) {
    return SqlTemplate.forQuery(pool, FIND).mapTo(Booking::of).execute(Map.of("id", id))
      .map(Rows::first);
  }

  /**
   * Makes the booking. With an idempotency key the key is claimed first, in the same transaction, so
   * a retry arriving while the first attempt runs waits for it and then answers what it made.
   */
  Future<CreatedBooking> create(NewBooking booking, String callerId, String idempotencyKey) {
    if (idempotencyKey == null) {
      return pool.withTransaction(connection -> insert(connection, booking).map(id -> new CreatedBooking(id, false)));
    }
    Map<String, Object> key = Map.of("caller_id", callerId, "key", idempotencyKey, "hash", booking.fingerprint());
    Map<String, Object> claim = new HashMap<>(key);
    claim.put("ttl_seconds", keyTtlSeconds);
    return pool.withTransaction(connection -> SqlTemplate.forUpdate(connection, CLAIM_KEY).execute(claim)
      .compose(claimed -> claimed.rowCount() == 1
        ? insert(connection, booking).compose(id -> SqlTemplate.forUpdate(connection, RECORD_KEY)
            .execute(Map.of("booking_id", id, "caller_id", callerId, "key", idempotencyKey))
            .map(v -> new CreatedBooking(id, false)))
        : replay(connection, key)));
  }

  private Future<UUID> insert(SqlClient client, NewBooking booking) {
    Map<String, Object> params = Map.of(
      "student_id", booking.studentId(),
      "teacher_id", booking.teacherId(),
      "start_time", booking.time().start(),
      "end_time", booking.time().end());
    return SqlTemplate.forUpdate(client, INSERT).mapTo(row -> row.getUUID("id")).execute(params)
      .compose(rows -> Rows.first(rows).map(id -> announceCreated(client, id))
        .orElseGet(() -> whyNotBookable(client, booking.teacherId())));
  }

  /** Appends {@code booking.created} with the booking as the insert made it. */
  private static Future<UUID> announceCreated(SqlClient client, UUID id) {
    return SqlTemplate.forQuery(client, FIND).mapTo(Booking::of).execute(Map.of("id", id))
      .compose(rows -> rows.iterator().next().appendEvent(client, BookingStatus.PENDING.event()))
      .map(id);
  }

  private Future<UUID> whyNotBookable(SqlClient client, String teacherId) {
    return SqlTemplate.forQuery(client, IS_TEACHER).mapTo(row -> row.getBoolean("teacher"))
      .execute(Map.of("teacher_id", teacherId))
      .map(rows -> {
        throw rows.iterator().next()
          ? DomainException.conflict("the time is not inside one of the teacher's availability slots")
          : DomainException.invalid("teacher_id " + teacherId + " is not a teacher");
      });
  }

  private Future<CreatedBooking> replay(SqlClient client, Map<String, Object> key) {
    return SqlTemplate.forQuery(client, FIND_KEY).execute(key).map(rows -> {
      var row = rows.iterator().next();
      if (!row.getString("request_hash").equals(key.get("hash"))) {
        throw new DomainException(DomainException.Reason.KEY_REUSED, "this Idempotency-Key was used for a different booking request");
      }
      return new CreatedBooking(row.getUUID("booking_id"), true);
    });
  }

  /** The changed booking, or empty when the compare-and-set matched nothing. */
  Future<Optional<Booking>> changeStatus(UUID id, BookingStatus to, String reason, Caller caller, int version) {
    Map<String, Object> params = new HashMap<>();
    params.put("id", id);
    params.put("status", to.wire());
    params.put("reason", reason);
    params.put("from", to.reachableFrom());
    params.put("admin", caller.admin());
    params.put("caller", caller.userId());
    params.put("teacher_only", to.teacherOnly());
    params.put("version", version);
    return pool.withTransaction(connection -> SqlTemplate.forUpdate(connection, CHANGE_STATUS).mapTo(Booking::of)
      .execute(params)
      .compose(rows -> Rows.first(rows)
        .map(changed -> changed.appendEvent(connection, to.event()).map(Optional.of(changed)))
        .orElseGet(() -> Future.succeededFuture(Optional.empty()))));
  }
}
