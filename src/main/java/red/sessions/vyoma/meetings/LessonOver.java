package red.sessions.vyoma.meetings;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import red.sessions.vyoma.bus.LocalServices;
import red.sessions.vyoma.platform.Sweep;

import java.util.Map;

/**
 * Ends meetings that outlive their lesson: every {@code meetings.end_sweep_interval_seconds}, each live meeting
 * whose lesson ended more than {@code meetings.end_grace_minutes} ago is claimed by one node ({@link Sweep}) and
 * ended by the meetings service as {@code DELETE /meetings} ends one, its {@code meeting.ended} saying
 * {@code "reason": "lesson_over"}. Chime would otherwise keep an idle meeting for up to 24 hours (and a media
 * pipeline counts as an attendee, so a recorded meeting never goes idle).
 */
public final class LessonOver {

  // The lock's key is arbitrary but fixed: the same on every node. A meeting claimed is not claimed again
  // before a sweep's interval has passed, which is when one whose end failed is tried again.
  private static final String CLAIM = """
    WITH sweeper AS MATERIALIZED (SELECT pg_try_advisory_xact_lock(4292318293340310914) AS alone)
    UPDATE meetings SET lesson_over_claimed_at = now()
     WHERE meeting_id IN (
       SELECT m.meeting_id FROM meetings m JOIN session_lessons l ON l.session_id = m.session_id
        WHERE (SELECT alone FROM sweeper) AND m.ended_at IS NULL
          AND l.end_time < now() - make_interval(mins => #{grace_minutes})
          AND (m.lesson_over_claimed_at IS NULL
               OR m.lesson_over_claimed_at <= now() - make_interval(secs => #{interval_seconds}))
        LIMIT #{batch}
          FOR UPDATE OF m SKIP LOCKED)
    RETURNING meeting_id""";

  private LessonOver() {
  }

  /**
   * @param config           the {@code meetings} section
   * @param requestTimeoutMs how long the meetings service may take to end one meeting
   */
  public static Sweep sweep(Vertx vertx, Pool pool, JsonObject config, long requestTimeoutMs) {
    int graceMinutes = config.getInteger("end_grace_minutes");
    long intervalSeconds = config.getLong("end_sweep_interval_seconds");
    if (graceMinutes < 0) {
      throw new IllegalArgumentException("meetings.end_grace_minutes must not be negative");
    }
    MeetingService meetings = LocalServices.proxy(vertx, MeetingService.class, MeetingService.ADDRESS, requestTimeoutMs);
    return new Sweep(pool, "meetings ended after their lesson", CLAIM,
      Map.of("grace_minutes", graceMinutes, "interval_seconds", intervalSeconds), intervalSeconds,
      row -> meetings.endAfterLesson(row.getString("meeting_id")));
  }
}
