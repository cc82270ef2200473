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

  /** The series' occurrences in {@code zone} that start no later than {@code horizon}, in order. */
  static List<Occurrence> occurrences(NewSeries series, ZoneId zone, Instant horizon) {
    LocalDateTime first = series.first().start().atZoneSameInstant(zone).toLocalDateTime();
    if (series.until() != null && series.until().isBefore(first.toLocalDate())) {
      throw DomainException.invalid("until must not be before the first lesson's date in " + zone.getId());
    }
    Duration length = Duration.between(series.first().start(), series.first().end());
    List<Occurrence> occurrences = new ArrayList<>();
    for (int k = 0; series.count() == null || k < series.count(); k++) {
      LocalDateTime local = first.plusWeeks((long) k * series.intervalWeeks());
      LocalDate date = local.toLocalDate();
      if (series.until() != null && date.isAfter(series.until())) {
        break;
      }
      // ofLocal takes the earlier offset of a repeated time, and moves a skipped one forward by the gap.
      ZonedDateTime start = ZonedDateTime.ofLocal(local, zone, null);
      if (start.toInstant().isAfter(horizon)) {
        break;
      }
      String skipped = zone.getRules().getValidOffsets(local).isEmpty()
        ? "the local time " + local.toLocalTime() + " does not exist on " + date + " in " + zone.getId()
          + ": the clocks skip it"
        : null;
      occurrences.add(new Occurrence(k + 1,
        new TimeRange(start.toOffsetDateTime(), start.plus(length).toOffsetDateTime()), skipped));
    }
    return occurrences;
  }
}
