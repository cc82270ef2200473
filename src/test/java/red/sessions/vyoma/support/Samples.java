package red.sessions.vyoma.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Generated inputs for properties of the pure logic, and for the fuzz of the API. The seed is fixed so
 * that every run, PIT's included, checks the same inputs and a failure can be repeated.
 */
public final class Samples {

  private static final long SEED = 20261201L;
  private static final int COUNT = 500;

  /** Characters that mean something to the code under test: separators, dots, case, non-ASCII, controls. */
  private static final int[] CODE_POINTS = " \t\n\r\0./\\_-+:|'\"%@?#&=aAzZ09éÉßİı€\u200b😀".codePoints().toArray();

  /** Text a client should not send but may: empty, controls, NUL, emoji, numbers and JSON as text, paths, times. */
  private static final List<String> ODD_TEXTS = List.of("", " ", "\u0000", "a\u0000b", "\u0001\u0007\u001b[31m\u007f",
    "\t\r\n", "\u0085\u2028\u2029", "\u202eevil", "e\u0301\u0301\u0301", "😀👍🏽👨‍👩‍👧", "\ufeff\ufffe\uffff",
    "-0", "1e309", "NaN", "9223372036854775808", "0x10", "null", "true", "[]", "{}", "' OR 1=1 --", "%00%ff",
    "../../etc/passwd", "00000000-0000-0000-0000-000000000000", "2026-02-30T25:61:61Z", "+294277-01-01T00:00:00Z");

  private Samples() {
  }

  /** Checks a property on {@value #COUNT} inputs that it draws from the random source it is handed. */
  public static void check(Consumer<Random> property) {
    Random random = random();
    for (int sample = 0; sample < COUNT; sample++) {
      property.accept(random);
    }
  }

  /** The fixed-seed random source the samples are drawn from. */
  public static Random random() {
    return new Random(SEED);
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

  /** A string to send where text goes: an odd one, a generated one, or a very long one (up to 20,000 characters). */
  public static String oddText(Random random) {
    return switch (random.nextInt(4)) {
      case 0, 1 -> ODD_TEXTS.get(random.nextInt(ODD_TEXTS.size()));
      case 2 -> string(random);
      default -> string(random).repeat(1 + random.nextInt(200)) + "\uD83D\uDE00".repeat(random.nextInt(100));
    };
  }

  /**
   * A JSON value of any type: odd text, huge and tiny numbers, booleans, null, objects with odd keys, and
   * arrays nested up to 64 deep.
   */
  public static Object jsonValue(Random random) {
    return switch (random.nextInt(12)) {
      case 0, 1, 2 -> oddText(random);
      case 3 -> List.of(Long.MAX_VALUE, Long.MIN_VALUE, Integer.MAX_VALUE + 1L, -1L, 0L).get(random.nextInt(5));
      case 4 -> List.of(new BigInteger("9".repeat(1 + random.nextInt(400))), new BigDecimal("1e400"), new BigDecimal("-1e-400"),
        Double.MAX_VALUE, Double.MIN_VALUE, -0.0, 0.5).get(random.nextInt(7));
      case 5 -> random.nextBoolean();
      case 6 -> null;
      case 7 -> new JsonObject();
      case 8 -> new JsonObject().put(oddText(random), random.nextBoolean() ? oddText(random) : random.nextLong());
      case 9 -> new JsonArray();
      case 10 -> nested(1 + random.nextInt(64), random.nextBoolean() ? oddText(random) : new JsonObject());
      default -> new JsonArray().add(oddText(random)).add(random.nextInt()).add(new JsonObject());
    };
  }

  private static JsonArray nested(int depth, Object innermost) {
    JsonArray array = new JsonArray().add(innermost);
    for (int i = 1; i < depth; i++) {
      array = new JsonArray().add(array);
    }
    return array;
  }
}
