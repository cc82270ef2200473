package red.sessions.vyoma.files;

import java.util.Locale;

/** File names and key segments made safe for object keys and file systems. */
final class FileNames {

  static final int MAX_NAME = 100;

  private FileNames() {
  }

  /**
   * The last path element of a client's file name, with every character outside {@code [A-Za-z0-9._-]}
   * replaced, no leading dots, at most {@value #MAX_NAME} characters with the extension kept.
   */
  static String sanitize(String fileName) {
    String base = fileName.substring(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
    String safe = base.replaceAll("[^A-Za-z0-9._-]+", "_").replaceAll("^[._]+", "").replaceAll("_+", "_");
    if (safe.length() > MAX_NAME) {
      int dot = safe.lastIndexOf('.');
      String extension = dot > 0 && safe.length() - dot <= 10 ? safe.substring(dot) : "";
      safe = safe.substring(0, MAX_NAME - extension.length()) + extension;
    }
    return safe.isEmpty() ? "file" : safe;
  }

  /** A user id as one key segment: the same characters as file names, lower-cased, bounded. */
  static String segment(String userId) {
    String safe = userId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "_").replaceAll("^[._]+", "");
    return safe.isEmpty() ? "user" : safe.substring(0, Math.min(safe.length(), 64));
  }
}
