package red.sessions.vyoma.externalcalendars;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import red.sessions.vyoma.platform.Rows;
import red.sessions.vyoma.platform.Sql;
import red.sessions.vyoma.platform.UserRows;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The external calendars SQL: the teachers' lists, and the fetchers' claims and results as all nodes share them.
 * A fetcher claims due calendars (skipping those another node is claiming at that moment) by counting the claim
 * and moving the next fetch a lease ahead, so no other node fetches them until the lease runs out; it records
 * a result only while its claim is the latest, so a fetch overtaken by a newer one (the teacher put the list
 * again) changes nothing.
 */
final class ExternalCalendarStore {

  // Counted here, at each read: how many stretches of busy time, and how many of the teacher's active bookings
  // overlap them (bookings made before the busy time appeared, which the teacher resolves).
  private static final String LIST = """
    SELECT c.id, c.url, c.name, c.status, c.error, c.last_fetched_at, c.last_success_at,
           (SELECT count(*) FROM external_calendar_busy_times b WHERE b.calendar_id = c.id) AS busy_intervals,
           (SELECT count(DISTINCT a.id) FROM external_calendar_busy_times b
              JOIN active_bookings a ON a.teacher_id = c.teacher_id
                                    AND tstzrange(a.start_time, a.end_time) && tstzrange(b.start_time, b.end_time)
             WHERE b.calendar_id = c.id) AS conflicts
      FROM external_calendars c
     WHERE c.teacher_id = #{teacher_id}
     ORDER BY c.position""";

  private static final String IS_TEACHER =
    "SELECT EXISTS (SELECT 1 FROM profile_roles WHERE user_id = #{teacher_id} AND role = 'teacher') AS teacher";

  // Locking the teacher's profile puts one list at a time, so two at once leave one of them whole.
  private static final String LOCK_TEACHER = """
    SELECT user_id FROM profile_roles WHERE user_id = #{teacher_id} AND role = 'teacher' FOR NO KEY UPDATE""";
  private static final String REMOVE_OTHERS = """
    DELETE FROM external_calendars WHERE teacher_id = #{teacher_id} AND url <> ALL (#{urls}::text[])""";
  // A calendar whose address stays keeps its row, and so its busy times and its ETag, until its next fetch,
  // which is now.
  private static final String PUT = """
    INSERT INTO external_calendars (teacher_id, position, url, name)
    SELECT #{teacher_id}, x.ordinal - 1, x.url, x.name
      FROM unnest(#{urls}::text[], #{names}::text[]) WITH ORDINALITY AS x (url, name, ordinal)
    ON CONFLICT (teacher_id, url) DO UPDATE
       SET position = EXCLUDED.position, name = EXCLUDED.name, next_fetch_at = now()""";

  // A conditional fetch (ETag, Last-Modified) only within a day of the last full read: an unchanged file is still
  // expanded again once a day, as the teacher's booking window moves on.
  private static final String CLAIM = """
    WITH due AS (
      SELECT id FROM external_calendars
       WHERE next_fetch_at <= now()
       ORDER BY next_fetch_at
       LIMIT #{max}
         FOR UPDATE SKIP LOCKED)
    UPDATE external_calendars c
       SET claim = c.claim + 1, next_fetch_at = now() + #{lease_seconds} * interval '1 second'
      FROM due
     WHERE c.id = due.id
    RETURNING c.id, c.url, c.claim,
              CASE WHEN c.expanded_at > now() - interval '1 day' THEN c.etag END AS etag,
              CASE WHEN c.expanded_at > now() - interval '1 day' THEN c.last_modified END AS last_modified,
              (SELECT w.time_zone FROM teacher_booking_windows w WHERE w.teacher_id = c.teacher_id) AS time_zone,
              (SELECT w.max_days_ahead FROM teacher_booking_windows w WHERE w.teacher_id = c.teacher_id) AS max_days_ahead""";

  private static final String LATEST_CLAIM = "WHERE id = #{id} AND claim = #{claim}";
  private static final String NEXT_FETCH = "next_fetch_at = now() + #{refresh_seconds} * interval '1 second'";

  // The busy times are replaced whole, in the statement that records the fetch.
  private static final String READ = """
    WITH calendar AS (
      UPDATE external_calendars
         SET status = 'ok', error = NULL, last_fetched_at = now(), last_success_at = now(), expanded_at = now(),
             etag = #{etag}, last_modified = #{last_modified},\s""" + NEXT_FETCH + "\n" + LATEST_CLAIM + """

      RETURNING id, teacher_id),
    cleared AS (
      DELETE FROM external_calendar_busy_times b USING calendar c WHERE b.calendar_id = c.id)
    INSERT INTO external_calendar_busy_times (calendar_id, teacher_id, start_time, end_time)
    SELECT c.id, c.teacher_id, t.start_time, t.end_time
      FROM calendar c, unnest(#{starts}::timestamptz[], #{ends}::timestamptz[]) AS t (start_time, end_time)""";

  private static final String UNCHANGED = """
    UPDATE external_calendars
       SET status = 'ok', error = NULL, last_fetched_at = now(), last_success_at = now(),\s""" + NEXT_FETCH + "\n"
    + LATEST_CLAIM;

  // The busy times of the last good fetch stay.
  private static final String FAILED = """
    UPDATE external_calendars
       SET status = 'error', error = #{error}, last_fetched_at = now(),\s""" + NEXT_FETCH + "\n" + LATEST_CLAIM;

  private static final String NEXT_DUE = """
    SELECT (extract(epoch FROM min(next_fetch_at) - now()) * 1000)::bigint AS wait_ms FROM external_calendars""";

  /**
   * A calendar this node has claimed: the fetch it makes, with the validators of the last full read (null when
   * it must be read in full) and the teacher's zone and booking window (null when they have no schedule).
   */
  record Claimed(UUID id, String url, int claim, String etag, String lastModified, String timeZone,
                 Integer maxDaysAhead) {

    static Claimed of(Row row) {
      return new Claimed(row.getUUID("id"), row.getString("url"), row.getInteger("claim"), row.getString("etag"),
        row.getString("last_modified"), row.getString("time_zone"), row.getInteger("max_days_ahead"));
    }
  }

  private final Pool pool;

  ExternalCalendarStore(Pool pool) {
    this.pool = pool;
  }

  /** The teacher's calendars; empty when there is no such teacher. */
  Future<Optional<List<ExternalCalendar>>> list(String teacherId) {
    Map<String, Object> params = Map.of("teacher_id", teacherId);
    Future<Boolean> teacher = Sql.query(pool, IS_TEACHER).mapTo(row -> row.getBoolean("teacher"))
      .execute(params).map(rows -> rows.iterator().next());
    Future<List<ExternalCalendar>> calendars = Sql.query(pool, LIST).mapTo(ExternalCalendar::of)
      .execute(params).map(Rows::toList);
    return Future.all(teacher, calendars)
      .map(both -> teacher.result() ? Optional.of(calendars.result()) : Optional.empty());
  }

  /** Replaces the teacher's list; false when {@code teacherId} has no teacher profile. */
  Future<Boolean> replace(String teacherId, List<CalendarSource> calendars) {
    Map<String, Object> params = new HashMap<>();
    params.put("teacher_id", teacherId);
    params.put("urls", calendars.stream().map(CalendarSource::url).toArray(String[]::new));
    params.put("names", calendars.stream().map(CalendarSource::name).toArray(String[]::new));
    return pool.withTransaction(connection -> Sql.query(connection, LOCK_TEACHER).execute(params)
      .compose(teacher -> teacher.size() == 0 ? Future.succeededFuture(false)
        : Sql.update(connection, REMOVE_OTHERS).execute(params)
          .compose(removed -> Sql.update(connection, PUT).execute(params))
          .map(put -> true)));
  }

  Future<List<Claimed>> claim(int max, long leaseSeconds) {
    return Sql.update(pool, CLAIM).mapTo(Claimed::of)
      .execute(Map.of("max", max, "lease_seconds", leaseSeconds))
      .map(Rows::toList);
  }

  /** Records a full read: its busy times replace the calendar's. */
  Future<Void> read(Claimed claimed, String etag, String lastModified, List<BusyTimes.Busy> busy, long refreshSeconds) {
    Map<String, Object> params = result(claimed, refreshSeconds);
    params.put("etag", etag);
    params.put("last_modified", lastModified);
    params.put("starts", busy.stream().map(b -> b.start().atOffset(ZoneOffset.UTC)).toArray(OffsetDateTime[]::new));
    params.put("ends", busy.stream().map(b -> b.end().atOffset(ZoneOffset.UTC)).toArray(OffsetDateTime[]::new));
    return Sql.update(pool, READ).execute(params).mapEmpty();
  }

  /** Records a fetch the server answered 304 Not Modified: the busy times stay. */
  Future<Void> unchanged(Claimed claimed, long refreshSeconds) {
    return Sql.update(pool, UNCHANGED).execute(result(claimed, refreshSeconds)).mapEmpty();
  }

  /** Records a failed fetch: the busy times of the last good one stay. */
  Future<Void> failed(Claimed claimed, String error, long refreshSeconds) {
    Map<String, Object> params = result(claimed, refreshSeconds);
    params.put("error", error);
    return Sql.update(pool, FAILED).execute(params).mapEmpty();
  }

  /** How long until the next calendar is due (0 or less: due now), or null when there is none. */
  Future<Long> msUntilNextDue() {
    return pool.query(NEXT_DUE).execute().map(rows -> rows.iterator().next().getLong("wait_ms"));
  }

  private static Map<String, Object> result(Claimed claimed, long refreshSeconds) {
    Map<String, Object> params = new HashMap<>();
    params.put("id", claimed.id());
    params.put("claim", claimed.claim());
    params.put("refresh_seconds", refreshSeconds);
    return params;
  }

  Future<Void> erase(String userId) {
    return UserRows.erase(pool, userId, "DELETE FROM external_calendars WHERE teacher_id = #{user_id}");
  }
}
