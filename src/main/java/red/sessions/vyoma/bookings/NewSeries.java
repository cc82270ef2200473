package red.sessions.vyoma.bookings;

import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.kernel.TimeRange;

import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;

/**
 * Weekly lessons a student asks to book with a teacher: the first lesson's time, the zone whose wall-clock time
 * every occurrence keeps ({@code null}: the teacher's schedule's), every {@code intervalWeeks} weeks, {@code count}
 * of them or until the local date {@code until} (inclusive), or neither for a series with no end, and what to do
 * when some occurrences cannot be booked.
 */
public record NewSeries(String studentId, String teacherId, TimeRange first, ZoneId timeZone, int intervalWeeks,
                        Integer count, LocalDate until, Mode mode, UUID packageId) {

  static final int MAX_INTERVAL_WEEKS = 4;
  static final int MAX_COUNT = 52;
  /** How far ahead {@code until} may be, from today. */
  static final Period MAX_UNTIL = Period.ofYears(2);

  /** What a series does with occurrences that cannot be booked. */
  public enum Mode {
    /** Every occurrence is booked, or none is (409 naming those refused). */
    ALL_OR_NOTHING,
    /** What can be booked is; the rest is skipped, each with its reason. */
    PARTIAL;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The mode named, {@code all_or_nothing} when none is. */
    public static Mode named(String value) {
      if (value == null) {
        return ALL_OR_NOTHING;
      }
      return Arrays.stream(values()).filter(mode -> mode.wire().equals(value)).findFirst()
        .orElseThrow(() -> DomainException.invalid("mode must be all_or_nothing or partial"));
    }
  }

  public static NewSeries of(String studentId, String teacherId, TimeRange first, ZoneId timeZone, int intervalWeeks,
                             Integer count, LocalDate until, Mode mode, UUID packageId) {
    NewBooking.of(studentId, teacherId, first, packageId);
    if (intervalWeeks < 1 || intervalWeeks > MAX_INTERVAL_WEEKS) {
      throw DomainException.invalid("interval_weeks must be a whole number from 1 to " + MAX_INTERVAL_WEEKS);
    }
    if (count != null && until != null) {
      throw DomainException.invalid("count and until cannot be given together: a series ends after a count or on a date");
    }
    if (count != null && (count < 1 || count > MAX_COUNT)) {
      throw DomainException.invalid("count must be a whole number from 1 to " + MAX_COUNT);
    }
    if (until != null && until.isAfter(LocalDate.now(ZoneOffset.UTC).plus(MAX_UNTIL))) {
      throw DomainException.invalid("until must be at most two years from today");
    }
    return new NewSeries(studentId, teacherId, first, timeZone, intervalWeeks, count, until, Objects.requireNonNull(mode),
      packageId);
  }

  /** The first occurrence as a booking of its own: what every occurrence is judged as. */
  NewBooking occurrence(TimeRange time) {
    return new NewBooking(studentId, teacherId, time, packageId);
  }

  /** What identifies this request for {@code Idempotency-Key}; never the same as a booking's. */
  String fingerprint() {
    return NewBooking.digest(String.join("\n", "series", studentId, teacherId,
      first.start().toInstant().toString(), first.end().toInstant().toString(), String.valueOf(timeZone),
      String.valueOf(intervalWeeks), String.valueOf(count), String.valueOf(until), mode.wire(), String.valueOf(packageId)));
  }
}
