package red.sessions.vyoma.kernel;

import red.sessions.vyoma.bus.DomainException;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * Times on the wire: read as ISO-8601 with an offset ({@code 2026-12-01T09:00:00+05:30}), kept to the
 * microsecond as PostgreSQL does, and written in UTC with milliseconds ({@code 2026-12-01T03:30:00.000Z}).
 */
public final class Times {

  /**
   * The instant with exactly three fraction digits, the same text as the pattern {@code uuuu-MM-dd'T'HH:mm:ss.SSS'Z'}
   * in UTC. Every answer writes times, and the JDK's instant printer writes them with half the garbage of a pattern,
   * whose fraction field goes through a {@code BigDecimal} on every call.
   */
  private static final DateTimeFormatter UTC_MILLIS = new DateTimeFormatterBuilder().appendInstant(3).toFormatter();

  private Times() {
  }

  public static String format(OffsetDateTime time) {
    return UTC_MILLIS.format(time);
  }

  public static OffsetDateTime parse(String value, String label) {
    try {
      OffsetDateTime time = OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
      if (time.getYear() < 1970 || time.getYear() > 9999) {
        throw DomainException.invalid(label + " is out of range");
      }
      return time.truncatedTo(ChronoUnit.MICROS);
    } catch (DateTimeParseException e) {
      throw DomainException.invalid(label + " must be an ISO-8601 time with an offset, e.g. 2026-12-01T09:00:00Z");
    }
  }

  /**
   * A time from a query string, where an unencoded {@code +} of the offset arrives as a space:
   * {@code ?from=2026-12-01T09:00:00+05:30} works as a person would type it.
   */
  public static OffsetDateTime parseQuery(String value, String label) {
    return parse(value.replace(' ', '+'), label);
  }

  static String describe(Duration duration) {
    long minutes = duration.toMinutes();
    return minutes % 60 == 0 ? minutes / 60 + " h" : minutes + " min";
  }
}
