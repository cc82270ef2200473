package red.sessions.vyoma.kernel;

import red.sessions.vyoma.bus.DomainException;

/** Rules on text a user sends: names, comments, search terms. */
public final class Text {

  private Text() {
  }

  /** The text trimmed, when its trimmed length lies within the bounds; otherwise invalid, naming the label. */
  public static String bounded(String value, String label, int min, int max) {
    String trimmed = value.strip();
    if (trimmed.length() < min || trimmed.length() > max) {
      throw DomainException.invalid(label + " must be " + min + " to " + max + " characters");
    }
    return trimmed;
  }
}
