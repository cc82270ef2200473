package red.sessions.vyoma.bus;

/**
 * How an error message repeats a value the client sent: whole when it is short, otherwise its first
 * {@value #MOST} characters and an ellipsis, so that a refusal names what was wrong without sending a long
 * input back (a 10,000-character field is refused in a line, not in 10 KB). Every message that quotes
 * client input quotes it through here.
 */
public final class Echo {

  /** Enough for any id, key, zone or content type a client means to send. */
  static final int MOST = 100;

  private Echo() {
  }

  public static String of(Object value) {
    String text = String.valueOf(value);
    if (text.length() <= MOST) {
      return text;
    }
    // Not inside a surrogate pair, so the message stays valid Unicode.
    int end = Character.isHighSurrogate(text.charAt(MOST - 1)) ? MOST - 1 : MOST;
    return text.substring(0, end) + "…";
  }
}
