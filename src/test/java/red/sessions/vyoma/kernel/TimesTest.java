package red.sessions.vyoma.kernel;

import org.junit.jupiter.api.Test;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.support.Samples;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

public class TimesTest {

  @Test
  void timesAreWrittenInUtcWithMilliseconds() {
    assertEquals("2026-12-01T03:30:00.000Z", Times.format(OffsetDateTime.parse("2026-12-01T09:00:00+05:30")));
    assertEquals("2026-12-01T09:00:00.123Z", Times.format(OffsetDateTime.parse("2026-12-01T09:00:00.123999Z")));
  }

  @Test
  void everyTimeInRangeIsWrittenInTheSameTwentyFourCharacters() {
    DateTimeFormatter pattern = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    assertEquals("1970-01-01T00:00:00.000Z", Times.format(OffsetDateTime.parse("1970-01-01T05:30:00+05:30")));
    assertEquals("9999-12-31T23:59:59.999Z", Times.format(OffsetDateTime.parse("9999-12-31T23:59:59.999999Z")));
    Samples.check(random -> {
      OffsetDateTime time = Samples.time(random);
      assertEquals(pattern.format(time), Times.format(time), time.toString());
    });
  }

  @Test
  void aTimeKeepsItsOffsetAndItsMicroseconds() {
    OffsetDateTime time = Times.parse("2026-12-01T09:00:00.123456789+05:30", "start_time");
    assertEquals(OffsetDateTime.of(2026, 12, 1, 9, 0, 0, 123_456_000, ZoneOffset.ofHoursMinutes(5, 30)), time);
  }

  @Test
  void aTimeWithoutAnOffsetIsRefusedNamingTheField() {
    assertBadRequest("start_time must be an ISO-8601 time with an offset, e.g. 2026-12-01T09:00:00Z",
      () -> Times.parse("2026-12-01T09:00:00", "start_time"));
    assertBadRequest("end_time must be an ISO-8601 time with an offset, e.g. 2026-12-01T09:00:00Z",
      () -> Times.parse("tomorrow", "end_time"));
  }

  @Test
  void yearsFrom1970To9999AreInRange() {
    assertEquals(Instant.EPOCH, Times.parse("1970-01-01T00:00:00Z", "from").toInstant());
    assertEquals(9999, Times.parse("9999-12-31T23:59:59Z", "from").getYear());
    assertBadRequest("from is out of range", () -> Times.parse("1969-12-31T23:59:59Z", "from"));
    assertBadRequest("from is out of range", () -> Times.parse("+10000-01-01T00:00:00Z", "from"));
  }

  @Test
  void aPlusOfAQueryStringThatArrivedAsASpaceIsAPlusAgain() {
    assertEquals(OffsetDateTime.parse("2026-12-01T09:00:00+05:30"),
      Times.parseQuery("2026-12-01T09:00:00 05:30", "from"));
    assertEquals(OffsetDateTime.parse("2026-12-01T09:00:00Z"), Times.parseQuery("2026-12-01T09:00:00Z", "from"));
  }

  @Test
  void durationsAreDescribedInWholeHoursOrElseMinutes() {
    assertEquals("1 h", Times.describe(Duration.ofHours(1)));
    assertEquals("8 h", Times.describe(Duration.ofHours(8)));
    assertEquals("15 min", Times.describe(Duration.ofMinutes(15)));
    assertEquals("90 min", Times.describe(Duration.ofMinutes(90)));
  }

  @Test
  void whatIsWrittenReadsBackAsTheSameInstantToTheMillisecond() {
    Samples.check(random -> {
      OffsetDateTime time = Samples.time(random);
      OffsetDateTime read = Times.parse(Times.format(time), "t");
      assertEquals(time.toInstant().truncatedTo(ChronoUnit.MILLIS), read.toInstant(), time.toString());
      assertEquals(ZoneOffset.UTC, read.getOffset());
    });
  }

  @Test
  void anyOffsetReadsAsItsInstantToTheMicrosecond() {
    Samples.check(random -> {
      OffsetDateTime time = Samples.time(random);
      assertEquals(time.toInstant().truncatedTo(ChronoUnit.MICROS), Times.parse(time.toString(), "t").toInstant(),
        time.toString());
    });
  }

  public static void assertBadRequest(String message, Runnable call) {
    DomainException e = assertThrows(DomainException.class, call::run);
    assertEquals(DomainException.Reason.INVALID, e.reason());
    assertEquals(message, e.getMessage());
  }
}
