package red.sessions.vyoma.availability;

import red.sessions.vyoma.kernel.TimeRange;

import java.time.Duration;
import java.time.OffsetDateTime;

/** A slot a teacher publishes: 15 minutes to 24 hours, in the future. */
public record NewSlot(String teacherId, TimeRange time) {

  static final Duration SHORTEST = Duration.ofMinutes(15);
  static final Duration LONGEST = Duration.ofHours(24);

  public static NewSlot of(String teacherId, OffsetDateTime start, OffsetDateTime end) {
    return new NewSlot(teacherId, TimeRange.future(start, end, SHORTEST, LONGEST));
  }
}
