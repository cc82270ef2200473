package red.sessions.vyoma.bus;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** How times leave the server: ISO-8601 in UTC with milliseconds, e.g. {@code 2026-11-26T20:15:00.000Z}. */
public final class Times {

  private static final DateTimeFormatter UTC_MILLIS =
    DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private Times() {
  }

  public static String format(OffsetDateTime time) {
    return UTC_MILLIS.format(time);
  }
}
