package red.sessions.vyoma.bookings;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.platform.Sql;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A booking completed by its session, the way the sessions domain changes a booking: on the session's own
 * connection, inside its transaction, so the session and its booking complete together or not at all. The
 * booking keeps the rule it keeps for {@code PATCH} ({@link Transition#COMPLETE}): only a confirmed booking
 * completes, and only once its lesson has started. Who may is the session's to say: only its parties reach it.
 */
public final class SessionCompletion {

  private static final String COMPLETE = """
    UPDATE bookings SET status = #{to}, version = version + 1, updated_at = now()
     WHERE id = #{booking_id} AND %s
    RETURNING %s""".formatted(Transition.COMPLETE.stateCondition(), Booking.COLUMNS);
  private static final String FIND = "SELECT " + Booking.COLUMNS + " FROM bookings WHERE id = #{booking_id}";

  private SessionCompletion() {
  }

  /**
   * Completes the confirmed booking, once it has started. A party may have completed it ({@code PATCH}) since the
   * session read it: then it already is where this leaves it, and only another state is a conflict. The booking
   * is read again in a statement of its own, whose snapshot sees that completion. Answers the booking this
   * completed, or {@code null} when it was completed already.
   */
  public static Future<Booking> complete(SqlClient connection, UUID bookingId) {
    Map<String, Object> params = Transition.COMPLETE.stateParams();
    params.put("booking_id", bookingId);
    params.put("to", Transition.COMPLETE.to().wire());
    return Sql.update(connection, COMPLETE).mapTo(Booking::of).execute(params)
      .compose(completed -> completed.rowCount() == 1 ? Future.succeededFuture(completed.iterator().next())
        : Sql.query(connection, FIND).mapTo(Booking::of).execute(Map.of("booking_id", bookingId))
          .map(rows -> {
            Booking booking = rows.iterator().next();
            if (booking.status() == Transition.COMPLETE.to()) {
              return null;
            }
            if (Transition.COMPLETE.wrongStatus(booking).isEmpty()
              && Transition.COMPLETE.wrongTime(booking, Instant.now()).isPresent()) {
              throw DomainException.conflict("the session completes its booking, which " + Transition.COMPLETE.opening());
            }
            throw DomainException.conflict("the booking must be " + Transition.COMPLETE.fromWords() + " before its session completes");
          }));
  }
}
