package red.sessions.vyoma.meetings;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import red.sessions.vyoma.bus.LocalServices;
import red.sessions.vyoma.platform.Sweep;

import java.util.Map;

/**
 * Stops recordings that run without both parties' consent: every {@code recordings.consent_sweep_interval_seconds},
 * each running capture whose session lacks the student's or the teacher's consent is claimed by one node
 * ({@link Sweep}) and stopped by the meetings service at Chime and then here ({@code stop_reason}
 * {@code consent_withdrawn}). A withdrawal tries to stop the capture at once, but when Chime cannot be reached the
 * consent is withdrawn all the same and the capture would otherwise go on recording the lesson: this is what
 * stops it, tried again every interval until Chime answers.
 */
public final class ConsentWithdrawn {

  // The lock's key is arbitrary but fixed: the same on every node. A capture claimed is not claimed again before
  // a sweep's interval has passed, which is when one whose stop failed is tried again. The consents counted are
  // the session's own parties', as when a capture starts (RecordingStore's RECORD).
  private static final String CLAIM = """
    WITH sweeper AS MATERIALIZED (SELECT pg_try_advisory_xact_lock(6117254980261130407) AS alone)
    UPDATE recordings SET consent_stop_claimed_at = now()
     WHERE recording_id IN (
       SELECT r.recording_id FROM recordings r JOIN session_lessons l ON l.session_id = r.session_id
        WHERE (SELECT alone FROM sweeper) AND r.stopped_at IS NULL
          AND (SELECT count(*) FROM recording_consents c
                WHERE c.session_id = r.session_id AND c.user_id IN (l.student_id, l.teacher_id) AND c.consent) < 2
          AND (r.consent_stop_claimed_at IS NULL
               OR r.consent_stop_claimed_at <= now() - make_interval(secs => #{interval_seconds}))
        LIMIT #{batch}
          FOR UPDATE OF r SKIP LOCKED)
    RETURNING recording_id""";

  private ConsentWithdrawn() {
  }

  /**
   * @param config           the {@code recordings} section
   * @param requestTimeoutMs how long the meetings service may take to stop one capture
   */
  public static Sweep sweep(Vertx vertx, Pool pool, JsonObject config, long requestTimeoutMs) {
    long intervalSeconds = config.getLong("consent_sweep_interval_seconds");
    MeetingService meetings = LocalServices.proxy(vertx, MeetingService.class, MeetingService.ADDRESS, requestTimeoutMs);
    return new Sweep(pool, "recordings stopped for want of consent", CLAIM, Map.of("interval_seconds", intervalSeconds),
      intervalSeconds, row -> meetings.stopWithoutConsent(row.getString("recording_id")));
  }
}
