package red.sessions.vyoma.support;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Generated inputs for properties of the pure logic. The seed is fixed so that every run, PIT's
 * included, checks the same inputs and a failure can be repeated.
 */
public final class Samples {

  private static final long SEED = 20261201L;
  private static final int COUNT = 500;

  /** Characters that mean something to the code under test: separators, dots, case, non-ASCII, controls. */
  private static final int[] CODE_POINTS = " \t\n\r\0./\\_-+:|'\"%@?#&=aAzZ09éÉßİı€\u200b😀".codePoints().toArray();

  private Samples() {
  }

  /** Checks a property on {@value #COUNT} inputs that it draws from the random source it is handed. */
  public static void check(Consumer<Random> property) {
    Random random = new Random(SEED);
    for (int sample = 0; sample < COUNT; sample++) {
      property.accept(random);
    }
  }

  /** Mostly short strings, now and then a long one; empty and blank ones included. */
  public static String string(Random random) {
    int length = random.nextInt(10) == 0 ? random.nextInt(300) : random.nextInt(12);
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < length; i++) {
      text.appendCodePoint(random.nextBoolean()
        ? CODE_POINTS[random.nextInt(CODE_POINTS.length)]
        : ' ' + random.nextInt('~' - ' ' + 1));
    }
    return text.toString();
  }

  public static String nonBlank(Random random) {
    String text = string(random);
    return text.isBlank() ? text + "x" : text;
  }

  /** A time from 1971 to 9998, to the nanosecond, at any offset. */
  public static OffsetDateTime time(Random random) {
    long first = Instant.parse("1971-01-01T00:00:00Z").getEpochSecond();
    long last = Instant.parse("9998-12-31T00:00:00Z").getEpochSecond();
    Instant instant = Instant.ofEpochSecond(first + (long) (random.nextDouble() * (last - first)), random.nextInt(1_000_000_000));
    return instant.atOffset(ZoneOffset.ofTotalSeconds((random.nextInt(36 * 4 + 1) - 18 * 4) * 15 * 60));
  }
}
