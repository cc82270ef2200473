package red.sessions.vyoma.bookings;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.templates.SqlTemplate;
import red.sessions.vyoma.bus.DomainException;

import java.util.Map;
import java.util.UUID;

/**
 * A booking completed by its session, the way the sessions domain changes a booking: on the session's own
 * connection, inside its transaction, so the session and its booking complete together or not at all. The
 * booking keeps the rule it keeps for {@code PATCH}: only a confirmed booking completes, and only once its lesson
 * has started.
 */
public final class SessionCompletion {

  private static final String COMPLETE = """
    UPDATE bookings SET status = 'completed', version = version + 1, updated_at = now()
     WHERE id = #{booking_id} AND status = 'confirmed' AND start_time <= now()
    RETURNING\s""" + Booking.COLUMNS;
  private static final String STATUS =
    "SELECT status, start_time <= now() AS started FROM bookings WHERE id = #{booking_id}";

  private SessionCompletion() {
  }

  /**
   * Completes the confirmed booking, once it has started. A party may have completed it ({@code PATCH}) since the
   * session read it: then it already is where this leaves it, and only another state is a conflict. The status
   * is read again in a statement of its own, whose snapshot sees that completion. Answers the booking this
   * completed, or {@code null} when it was completed already.
   */
  public static Future<Booking> complete(SqlClient connection, UUID bookingId) {
    Map<String, Object> params = Map.of("booking_id", bookingId);
    return SqlTemplate.forUpdate(connection, COMPLETE).mapTo(Booking::of).execute(params)
      .compose(completed -> completed.rowCount() == 1 ? Future.succeededFuture(completed.iterator().next())
        : SqlTemplate.forQuery(connection, STATUS).execute(params)
          .map(rows -> {
            Row booking = rows.iterator().next();
            String status = booking.getString("status");
            if ("confirmed".equals(status) && !booking.getBoolean("started")) {
              throw DomainException.conflict("the session completes its booking, which can be completed only once its "
                + "start_time has passed");
            }
            if (!"completed".equals(status)) {
              throw DomainException.conflict("the booking must be confirmed before its session completes");
            }
            return null;
          }));
  }
}
