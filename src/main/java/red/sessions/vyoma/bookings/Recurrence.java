package red.sessions.vyoma.bookings;

import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.kernel.TimeRange;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * When a series' occurrences fall: occurrence <i>k</i> (from 1) at the first one's local wall-clock time in the
 * series' zone, {@code (k - 1) × interval_weeks} weeks later, as long as the first. So 17:00 stays 17:00 in that
 * zone across its DST changes, whatever the offset the request was written in. A local time a change skips on
 * that day has no instant: the occurrence is skipped, with the reason. A local time a change repeats takes the
 * first of its two instants (the offset before the change).
 */
final class Recurrence {

  /** One occurrence: its number, its time, and why it is skipped before it is judged (a time that does not exist). */
  record Occurrence(int number, TimeRange time, String skipped) {
  }

  private Recurrence() {
  }

  /** The last instant the occurrences of the series can reach, in any zone: where its calendar is read up to. */
  static Instant reach(NewSeries series, Instant horizon) {
    Instant last = horizon;
    if (series.count() != null) {
      last = series.first().end().toInstant().plus(Duration.ofDays(7L * series.intervalWeeks() * (series.count() - 1)));
    } else if (series.until() != null) {
      last = series.until().plusDays(2).atStartOfDay(ZoneId.of("UTC")).toInstant();
    }
    // A DST change moves a later occurrence by an hour or so against the first one's offset.
    return (last.isBefore(horizon) ? last : horizon).plus(Duration.ofDays(1));
  }

  /** The occurrences due now, and the one after them (empty when the series ends first). */
  record Due(List<Occurrence> occurrences, Optional<Occurrence> next) {
  }

  /** The series' occurrences in {@code zone} from number {@code from} on that start no later than {@code horizon}. */
  static Due due(NewSeries series, ZoneId zone, int from, Instant horizon) {
    LocalDateTime first = series.first().start().atZoneSameInstant(zone).toLocalDateTime();
    if (series.until() != null && series.until().isBefore(first.toLocalDate())) {
      throw DomainException.invalid("until must not be before the first lesson's date in " + zone.getId());
    }
    List<Occurrence> occurrences = new ArrayList<>();
    for (int number = from; ; number++) {
      Optional<Occurrence> occurrence = occurrence(series, zone, first, number);
      if (occurrence.isEmpty() || occurrence.get().time().start().toInstant().isAfter(horizon)) {
        return new Due(occurrences, occurrence);
      }
      occurrences.add(occurrence.get());
    }
  }

  /** Occurrence {@code number} (from 1) of the series in {@code zone}, or empty when the series ends before it. */
  static Optional<Occurrence> nth(NewSeries series, ZoneId zone, int number) {
    return occurrence(series, zone, series.first().start().atZoneSameInstant(zone).toLocalDateTime(), number);
  }

  /** Occurrence {@code number} (from 1), or empty when the series ends before it. */
  private static Optional<Occurrence> occurrence(NewSeries series, ZoneId zone, LocalDateTime first, int number) {
    if (series.count() != null && number > series.count()) {
      return Optional.empty();
    }
    LocalDateTime local = first.plusWeeks((long) (number - 1) * series.intervalWeeks());
    LocalDate date = local.toLocalDate();
    if (series.until() != null && date.isAfter(series.until())) {
      return Optional.empty();
    }
    // ofLocal takes the earlier offset of a repeated time, and moves a skipped one forward by the gap.
    ZonedDateTime start = ZonedDateTime.ofLocal(local, zone, null);
    String skipped = zone.getRules().getValidOffsets(local).isEmpty()
      ? "the local time " + local.toLocalTime() + " does not exist on " + date + " in " + zone.getId()
        + ": the clocks skip it"
      : null;
    Duration length = Duration.between(series.first().start(), series.first().end());
    return Optional.of(new Occurrence(number,
      new TimeRange(start.toOffsetDateTime(), start.plus(length).toOffsetDateTime()), skipped));
  }
}
