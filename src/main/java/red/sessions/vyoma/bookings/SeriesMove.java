package red.sessions.vyoma.bookings;

import red.sessions.vyoma.kernel.TimeRange;

import java.time.ZoneId;
import java.util.Objects;
import java.util.UUID;

/**
 * A move of a series' occurrences from one of its bookings on to a new weekly time: that booking's new time, the
 * zone whose wall-clock time the lessons keep from then on ({@code null}: the series' own), and what to do with
 * occurrences that cannot move.
 */
public record SeriesMove(UUID fromBookingId, TimeRange time, ZoneId timeZone, NewSeries.Mode mode) {

  public SeriesMove {
    Objects.requireNonNull(fromBookingId);
    Objects.requireNonNull(time);
    Objects.requireNonNull(mode);
  }

  /** What an {@code Idempotency-Key} remembers of this move of the series: a retry must be the same request. */
  String fingerprint(UUID seriesId) {
    return NewBooking.digest(String.join("\n", "series move", seriesId.toString(), fromBookingId.toString(),
      time.start().toInstant().toString(), time.end().toInstant().toString(), String.valueOf(timeZone), mode.wire()));
  }
}
