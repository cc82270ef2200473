package red.sessions.vyoma.externalcalendars;

import io.vertx.sqlclient.Row;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * An external calendar of a teacher and how its reading goes: no title, description or attendee of its
 * events is ever kept, only how many busy intervals it holds.
 *
 * @param status         {@code pending} until its first fetch ends, then {@code ok} or {@code error} by the last one
 * @param error          why the last fetch failed (the busy times of the last good one still count), or null
 * @param busyIntervals  how many stretches of busy time it holds over the teacher's booking window
 * @param conflicts      how many of the teacher's active bookings overlap that busy time (made before it appeared)
 */
public record ExternalCalendar(UUID id, String url, String name, String status, String error,
                               OffsetDateTime lastFetchedAt, OffsetDateTime lastSuccessAt, long busyIntervals,
                               long conflicts) {

  static ExternalCalendar of(Row row) {
    return new ExternalCalendar(row.getUUID("id"), row.getString("url"), row.getString("name"), row.getString("status"),
      row.getString("error"), row.getOffsetDateTime("last_fetched_at"), row.getOffsetDateTime("last_success_at"),
      row.getLong("busy_intervals"), row.getLong("conflicts"));
  }
}
