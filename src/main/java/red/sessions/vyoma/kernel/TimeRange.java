package red.sessions.vyoma.kernel;

import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.bus.DomainException;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;

/** A {@code start_time}/{@code end_time} pair from a request body, checked for order, length and not being past. */
public record TimeRange(OffsetDateTime start, OffsetDateTime end) {

  public static TimeRange parseFuture(JsonObject body, Duration shortest, Duration longest) {
    OffsetDateTime start = Times.parse(JsonFields.requiredString(body, "start_time", "start_time"), "start_time");
    OffsetDateTime end = Times.parse(JsonFields.requiredString(body, "end_time", "end_time"), "end_time");
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
