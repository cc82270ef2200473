package red.sessions.vyoma.calendars;

import java.util.Base64;

/**
 * An iCalendar document as written ({@code text}, RFC 5545) and a tag that changes exactly when the text does
 * (a hash of it), for {@code ETag}: the text of unchanged lessons is the same on every read, so a calendar app
 * polling an unchanged feed is told so without the body.
 */
public record CalendarDocument(String text, String tag) {

  static CalendarDocument of(String text) {
    return new CalendarDocument(text, Base64.getUrlEncoder().withoutPadding().encodeToString(Sha256.of(text)));
  }
}
