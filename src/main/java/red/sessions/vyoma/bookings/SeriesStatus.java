package red.sessions.vyoma.bookings;

import java.util.Locale;

/**
 * Where a series is: {@code pending} until the teacher confirms it, then {@code active}; {@code ended} when a
 * cancellation of its following occurrences ended it, {@code cancelled} when all of them were.
 */
public enum SeriesStatus {
  PENDING, ACTIVE, ENDED, CANCELLED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  static SeriesStatus fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
