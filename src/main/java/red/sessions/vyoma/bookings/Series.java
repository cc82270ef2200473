package red.sessions.vyoma.bookings;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import red.sessions.vyoma.auth.Parties;
import red.sessions.vyoma.events.EventType;
import red.sessions.vyoma.events.Outbox;
import red.sessions.vyoma.events.Subject;
import red.sessions.vyoma.kernel.TimeRange;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Weekly lessons booked together, as stored: the rule (the first lesson's times, the zone whose wall-clock time
 * the lessons keep, every how many weeks, how many or until when, or neither), the package named, where the
 * series is, the series it continues at a new time and the one continuing it (null for none), and every
 * occurrence judged so far.
 */
public record Series(UUID seriesId, String studentId, String teacherId, OffsetDateTime startTime,
                     OffsetDateTime endTime, String timeZone, int intervalWeeks, Integer count, LocalDate until,
                     UUID packageId, SeriesStatus status, int version, OffsetDateTime createdAt,
                     OffsetDateTime updatedAt, UUID continues, UUID continuedAs, List<Occurrence> occurrences)
  implements Parties.Between {

  static final String COLUMNS = """
    s.id, s.student_id, s.teacher_id, s.start_time, s.end_time, s.time_zone, s.interval_weeks, s.occurrence_count,
    s.until_date, s.package_id, s.status, s.version, s.created_at, s.updated_at, s.continues, s.continued_as""";

  /**
   * An occurrence: booked (its booking, and the booking's status now) or skipped (why), numbered from 1. A booked
   * occurrence's times are those it was booked at; the booking's own say where it is now. {@code changed}: how its
   * booking was changed on its own ({@code moved}, {@code cancelled}), null when it follows the series.
   */
  public record Occurrence(int number, OffsetDateTime startTime, OffsetDateTime endTime, UUID bookingId,
                           String skipReason, BookingStatus bookingStatus, String changed) {

    /** An occurrence as PostgreSQL wrote it in JSON (times with an offset). */
    static Occurrence of(JsonObject json) {
      String booking = json.getString("booking_id");
      String status = json.getString("booking_status");
      return new Occurrence(json.getInteger("occurrence"), OffsetDateTime.parse(json.getString("start_time")),
        OffsetDateTime.parse(json.getString("end_time")), booking == null ? null : UUID.fromString(booking),
        json.getString("skip_reason"), status == null ? null : BookingStatus.fromWire(status), json.getString("changed"));
    }
  }

  /** A row of {@link #COLUMNS} with its {@code occurrences} (a JSON array). */
  static Series of(Row row) {
    return new Series(
      row.getUUID("id"),
      row.getString("student_id"),
      row.getString("teacher_id"),
      row.getOffsetDateTime("start_time"),
      row.getOffsetDateTime("end_time"),
      row.getString("time_zone"),
      row.getInteger("interval_weeks"),
      row.getInteger("occurrence_count"),
      row.getLocalDate("until_date"),
      row.getUUID("package_id"),
      SeriesStatus.fromWire(row.getString("status")),
      row.getInteger("version"),
      row.getOffsetDateTime("created_at"),
      row.getOffsetDateTime("updated_at"),
      row.getUUID("continues"),
      row.getUUID("continued_as"),
      ((JsonArray) row.getJson("occurrences")).stream().map(json -> Occurrence.of((JsonObject) json)).toList());
  }

  /** The series' rule, as its occurrences are judged once it is made: what can be booked is, the rest skipped. */
  NewSeries rule() {
    return new NewSeries(studentId, teacherId, new TimeRange(startTime, endTime), ZoneId.of(timeZone), intervalWeeks,
      count, until, NewSeries.Mode.PARTIAL, packageId);
  }

  /** The series with more occurrences judged. */
  Series with(List<Occurrence> judged) {
    List<Occurrence> all = new ArrayList<>(occurrences);
    all.addAll(judged);
    return new Series(seriesId, studentId, teacherId, startTime, endTime, timeZone, intervalWeeks, count, until, packageId,
      status, version, createdAt, updatedAt, continues, continuedAs, List.copyOf(all));
  }

  /**
   * Appends the event of an occurrence materialisation skipped ({@code series.occurrence_skipped}): the series as
   * it is after, with the occurrence's number.
   */
  Future<Void> appendSkipped(SqlClient tx, int occurrence) {
    return Outbox.append(tx, EventType.SERIES_OCCURRENCE_SKIPPED, Subject.series(seriesId), List.of(studentId, teacherId),
      SeriesJson.series(this).put("occurrence", occurrence));
  }

  /** Appends the event of a change of this series (as it is after the change), in the change's transaction. */
  Future<Void> appendEvent(SqlClient tx, EventType type) {
    return Outbox.append(tx, type, Subject.series(seriesId), List.of(studentId, teacherId), SeriesJson.series(this));
  }
}
