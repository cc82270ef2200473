package red.sessions.vyoma.availability;

import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.kernel.Times;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * A validated {@code GET /teachers/{teacher_id}/slots} query: slots of {@code duration} starting from
 * {@code from} (inclusive) to {@code to} (exclusive), shown in {@code zone}. A date bound is a whole day in
 * {@code zone} ({@code from=2027-03-08&to=2027-03-08} is that day); a timestamp bound is that instant.
 * Without {@code from}, today in {@code zone}; without {@code to}, seven days from {@code from}.
 */
public record SlotQuery(Instant from, Instant to, Duration duration, ZoneId zone) {

  static final Duration LONGEST_RANGE = Duration.ofDays(31);
  static final int SHORTEST_LESSON = 15;
  static final int LONGEST_LESSON = 480;
  private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

  public static SlotQuery parse(String from, String to, String duration, String timeZone) {
    ZoneId zone = Schedule.zoneParameter(timeZone);
    Instant start = from == null ? LocalDate.now(zone).atStartOfDay(zone).toInstant() : bound(from, "from", zone, false);
    Instant end = to == null ? start.atZone(zone).plusDays(7).toInstant() : bound(to, "to", zone, true);
    if (!start.isBefore(end)) {
      throw DomainException.invalid("from must be before to");
    }
    if (Duration.between(start, end).compareTo(LONGEST_RANGE) > 0) {
      throw DomainException.invalid("from and to must be at most 31 days apart");
    }
    return new SlotQuery(start, end, Duration.ofMinutes(minutes(duration)), zone);
  }

  private static Instant bound(String value, String label, ZoneId zone, boolean endOfDay) {
    if (!DATE.matcher(value).matches()) {
      return Times.parseQuery(value, label).toInstant();
    }
    try {
      LocalDate date = LocalDate.parse(value);
      if (date.getYear() < 1970 || date.getYear() > 9998) {
        throw DomainException.invalid(label + " is out of range");
      }
      return (endOfDay ? date.plusDays(1) : date).atStartOfDay(zone).toInstant();
    } catch (DateTimeParseException e) {
      throw DomainException.invalid(label + " must be a date such as 2027-03-08 or a time with an offset");
    }
  }

  private static int minutes(String duration) {
    if (duration == null) {
      return 60;
    }
    try {
      int minutes = Integer.parseInt(duration);
      if (minutes >= SHORTEST_LESSON && minutes <= LONGEST_LESSON) {
        return minutes;
      }
    } catch (NumberFormatException notANumber) {
      // answered below
    }
    throw DomainException.invalid("duration must be a whole number of minutes from " + SHORTEST_LESSON + " to "
      + LONGEST_LESSON);
  }
}
