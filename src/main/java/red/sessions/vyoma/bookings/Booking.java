package red.sessions.vyoma.bookings;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.auth.Parties;
import red.sessions.vyoma.events.EventType;
import red.sessions.vyoma.events.Outbox;
import red.sessions.vyoma.events.Subject;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * A booking as stored, with the version that changes on every change of status or time, the times it was
 * moved from (oldest first), the package its lesson came from, until when its student may cancel it and get the
 * lesson back, whether its student cancelled it too late to, and which party did not show up, if one was reported
 * absent, the series it is an occurrence of, if any, and who cancelled it (a party or an admin; null while it is
 * not cancelled, and when a no-show report cancelled it).
 */
public record Booking(UUID bookingId, String studentId, String teacherId, OffsetDateTime startTime,
                      OffsetDateTime endTime, BookingStatus status, String cancelReason, OffsetDateTime createdAt,
                      OffsetDateTime updatedAt, int version, List<Move> previousTimes, UUID packageId,
                      OffsetDateTime freeCancellationUntil, boolean lateCancellation, String noShow, UUID seriesId,
                      String cancelledBy)
  implements Parties.Between {

  public static final String COLUMNS = "id, student_id, teacher_id, start_time, end_time, status, cancel_reason, version, "
    + "created_at, updated_at, previous_times, package_id, free_cancellation_until, late_cancellation, no_show, series_id, cancelled_by";

  /** Where a booking was before one of its moves, who moved it and when. */
  public record Move(OffsetDateTime startTime, OffsetDateTime endTime, String changedBy, OffsetDateTime changedAt) {

    /** An entry of {@code previous_times} as PostgreSQL wrote it (times with an offset). */
    static Move of(JsonObject json) {
      return new Move(OffsetDateTime.parse(json.getString("start_time")), OffsetDateTime.parse(json.getString("end_time")),
        json.getString("changed_by"), OffsetDateTime.parse(json.getString("changed_at")));
    }
  }

  /**
   * A booking as its insert writes it: pending (or confirmed, an occurrence of a series its teacher confirmed), at
   * version 1, made at {@code now} (the transaction's time), never moved, cancelled or reported absent; an
   * occurrence of the series {@code seriesId} (null for none).
   */
  static Booking requested(UUID id, NewBooking booking, UUID packageId, OffsetDateTime freeCancellationUntil,
                           OffsetDateTime now, UUID seriesId, BookingStatus status) {
    return new Booking(id, booking.studentId(), booking.teacherId(), booking.time().start(), booking.time().end(),
      status, null, now, now, 1, List.of(), packageId, freeCancellationUntil, false, null, seriesId, null);
  }

  public static Booking of(Row row) {
    return new Booking(
      row.getUUID("id"),
      row.getString("student_id"),
      row.getString("teacher_id"),
      row.getOffsetDateTime("start_time"),
      row.getOffsetDateTime("end_time"),
      BookingStatus.fromWire(row.getString("status")),
      row.getString("cancel_reason"),
      row.getOffsetDateTime("created_at"),
      row.getOffsetDateTime("updated_at"),
      row.getInteger("version"),
      ((JsonArray) row.getJson("previous_times")).stream().map(move -> Move.of((JsonObject) move)).toList(),
      row.getUUID("package_id"),
      row.getOffsetDateTime("free_cancellation_until"),
      row.getBoolean("late_cancellation"),
      row.getString("no_show"),
      row.getUUID("series_id"),
      row.getString("cancelled_by"));
  }

  /** Whether the caller is the booking's student, acting for themselves (an admin acting on it is not). */
  boolean isStudent(Caller caller) {
    return !caller.admin() && caller.userId().equals(studentId);
  }

  /** Appends the event of a change of this booking (as it is after the change), in the change's transaction. */
  public Future<Void> appendEvent(SqlClient tx, EventType type) {
    return Outbox.append(tx, event(type));
  }

  /** The event of a change of this booking, as it is after the change. */
  Outbox.Entry event(EventType type) {
    return new Outbox.Entry(type, Subject.booking(bookingId), List.of(studentId, teacherId), BookingJson.booking(this));
  }
}
