package red.sessions.vyoma.kernel;

import red.sessions.vyoma.bus.DomainException;

import java.util.HashMap;
import java.util.Map;

/** Paging of a list: {@code limit} (default 100, at most 500) items after skipping {@code offset}. */
public record Page(int limit, int offset) {

  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 500;

  /** The page the query values ask for ({@code null} when absent); anything out of range is invalid. */
  public static Page of(String limit, String offset) {
    return new Page(number("limit", limit, DEFAULT_LIMIT, 1, MAX_LIMIT), number("offset", offset, 0, 0, Integer.MAX_VALUE));
  }

  /** A statement's parameters, starting with this page's {@code #{limit}} and {@code #{offset}}. */
  public Map<String, Object> params() {
    Map<String, Object> params = new HashMap<>();
    params.put("limit", limit);
    params.put("offset", offset);
    return params;
  }

  private static int number(String name, String value, int fallback, int min, int max) {
    if (value == null) {
      return fallback;
    }
    try {
      int number = Integer.parseInt(value);
      if (number >= min && number <= max) {
        return number;
      }
    } catch (NumberFormatException notANumber) {
      // answered below
    }
    throw DomainException.invalid(name + " must be a whole number from " + min + " to " + max);
  }
}
