package red.sessions.vyoma.kernel;

import red.sessions.vyoma.bus.DomainException;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;

/** A time from {@code start} to {@code end}: a lesson's or a slot's. */
public record TimeRange(OffsetDateTime start, OffsetDateTime end) {

  /** A range that has not started, checked for order and length. */
  public static TimeRange future(OffsetDateTime start, OffsetDateTime end, Duration shortest, Duration longest) {
    if (!start.isBefore(end)) {
      throw DomainException.invalid("start_time must be before end_time");
    }
    Duration length = Duration.between(start, end);
    if (length.compareTo(shortest) < 0 || length.compareTo(longest) > 0) {
      throw DomainException.invalid("the time from start_time to end_time must be between "
        + Times.describe(shortest) + " and " + Times.describe(longest));
    }
    if (!start.toInstant().isAfter(Instant.now())) {
      throw DomainException.invalid("start_time must be in the future");
    }
    return new TimeRange(start, end);
  }
}
