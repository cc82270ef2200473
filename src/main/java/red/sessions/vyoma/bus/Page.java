package red.sessions.vyoma.bus;

/** Paging of a list: {@code limit} (default 100, at most 500) items after skipping {@code offset}. */
public record Page(int limit, int offset) {

  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 500;

  public static Page of(ApiRequest request) {
    return new Page(number(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT),
      number(request, "offset", 0, 0, Integer.MAX_VALUE));
  }

  private static int number(ApiRequest request, String name, int fallback, int min, int max) {
    String value = request.query().getString(name);
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
    throw ApiException.badRequest(name + " must be a whole number from " + min + " to " + max);
  }
}
