package red.sessions.vyoma.kernel;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static red.sessions.vyoma.kernel.TimesTest.assertBadRequest;

class TimeRangeTest {

  private static final Duration SHORTEST = Duration.ofMinutes(15);
  private static final Duration LONGEST = Duration.ofHours(8);
  private static final String LENGTH = "the time from start_time to end_time must be between 15 min and 8 h";

  /** Tomorrow at the start of an hour, written with an offset. */
  private static final OffsetDateTime START = OffsetDateTime.now(ZoneOffset.ofHours(2)).plusDays(1).truncatedTo(ChronoUnit.HOURS);

  private static TimeRange parse(OffsetDateTime start, OffsetDateTime end) {
    return TimeRange.future(start, end, SHORTEST, LONGEST);
  }

  @Test
  void aFutureRangeIsReadAsWritten() {
    TimeRange range = parse(START, START.plusHours(1));
    assertEquals(START, range.start());
    assertEquals(START.plusHours(1), range.end());
  }

  @Test
  void theStartComesBeforeTheEnd() {
    assertBadRequest("start_time must be before end_time", () -> parse(START, START));
    assertBadRequest("start_time must be before end_time", () -> parse(START.plusHours(1), START));
  }

  @Test
  void theShortestAndLongestLengthsAreAllowed() {
    assertEquals(SHORTEST, lengthOf(parse(START, START.plus(SHORTEST))));
    assertEquals(LONGEST, lengthOf(parse(START, START.plus(LONGEST))));
  }

  @Test
  void aRangeShorterOrLongerThanAllowedIsRefused() {
    assertBadRequest(LENGTH, () -> parse(START, START.plus(SHORTEST).minusSeconds(1)));
    assertBadRequest(LENGTH, () -> parse(START, START.plus(LONGEST).plusSeconds(1)));
  }

  @Test
  void theSameInstantsWrittenWithDifferentOffsetsAreTheSameRange() {
    OffsetDateTime end = START.plusHours(2).withOffsetSameInstant(ZoneOffset.ofHoursMinutes(-3, -30));
    assertEquals(Duration.ofHours(2), lengthOf(parse(START, end)));
  }

  @Test
  void aRangeThatHasStartedIsRefused() {
    OffsetDateTime anHourAgo = START.minusDays(1).minusHours(1);
    assertBadRequest("start_time must be in the future", () -> parse(anHourAgo, anHourAgo.plusHours(2)));
  }

  private static Duration lengthOf(TimeRange range) {
    return Duration.between(range.start(), range.end());
  }
}
