package red.sessions.vyoma.sessions;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.platform.Rows;
import red.sessions.vyoma.platform.Sql;

import java.util.Map;
import java.util.UUID;

/**
 * Who may reach a session, and everything that hangs off it (its meetings and attendees): the two
 * parties of its booking, and admins. Anyone else gets 403; an unknown session 404.
 *
 * @param liveMeetingId the session's live meeting as the database has it now, or {@code null}: what any
 *                      cached copy of a meeting is checked against, so an ended one is never served
 */
public record SessionParties(UUID sessionId, UUID bookingId, String studentId, String teacherId,
                             String sessionStatus, String bookingStatus, String liveMeetingId) {

  // The live meeting comes with the parties in one round trip (the partial unique index on live meetings).
  private static final String LOAD = """
    SELECT s.id, s.booking_id, s.status, b.student_id, b.teacher_id, b.status AS booking_status,
           (SELECT m.meeting_id FROM live_meetings m WHERE m.session_id = s.id) AS live_meeting_id
      FROM sessions s JOIN lessons b ON b.id = s.booking_id
     WHERE s.id = #{session_id}""";

  /** The session's parties, failing with 404 for an unknown session and 403 for a caller who is not one. */
  public static Future<SessionParties> require(SqlClient client, UUID sessionId, Caller caller) {
    return Sql.query(client, LOAD)
      .mapTo(row -> new SessionParties(row.getUUID("id"), row.getUUID("booking_id"), row.getString("student_id"),
        row.getString("teacher_id"), row.getString("status"), row.getString("booking_status"),
        row.getString("live_meeting_id")))
      .execute(Map.of("session_id", sessionId))
      .map(rows -> {
        SessionParties parties = Rows.first(rows).orElseThrow(() -> DomainException.notFound("no session " + sessionId));
        if (!caller.isPartyTo(parties.studentId(), parties.teacherId())) {
          throw DomainException.forbidden("only the booking's student and teacher may reach its session");
        }
        return parties;
      });
  }

  public boolean bookingCancelled() {
    return "cancelled".equals(bookingStatus);
  }
}
