package red.sessions.vyoma.bookings;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.kernel.Times;

/** The series' wire format, in one place: as the API answers it and as its events ({@code series.*}) carry it. */
public final class SeriesJson {

  private SeriesJson() {
  }

  public static JsonObject series(Series series) {
    return new JsonObject()
      .put("series_id", series.seriesId().toString())
      .put("student_id", series.studentId())
      .put("teacher_id", series.teacherId())
      .put("status", series.status().wire())
      .put("start_time", Times.format(series.startTime()))
      .put("end_time", Times.format(series.endTime()))
      .put("time_zone", series.timeZone())
      .put("interval_weeks", series.intervalWeeks())
      .put("count", series.count())
      .put("until", series.until() == null ? null : series.until().toString())
      .put("package_id", series.packageId() == null ? null : series.packageId().toString())
      .put("created_at", Times.format(series.createdAt()))
      .put("updated_at", Times.format(series.updatedAt()))
      .put("continues", series.continues() == null ? null : series.continues().toString())
      .put("continued_as", series.continuedAs() == null ? null : series.continuedAs().toString())
      .put("occurrences", new JsonArray(series.occurrences().stream().map(SeriesJson::occurrence).toList()));
  }

  private static JsonObject occurrence(Series.Occurrence occurrence) {
    return new JsonObject()
      .put("occurrence", occurrence.number())
      .put("start_time", Times.format(occurrence.startTime()))
      .put("end_time", Times.format(occurrence.endTime()))
      .put("booking_id", occurrence.bookingId() == null ? null : occurrence.bookingId().toString())
      .put("status", occurrence.bookingId() == null ? "skipped" : "booked")
      .put("reason", occurrence.skipReason())
      .put("booking_status", occurrence.bookingStatus() == null ? null : occurrence.bookingStatus().wire())
      .put("changed", occurrence.changed());
  }
}
