package red.sessions.vyoma.notifications;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * An email's words, as plain text and as HTML, written in one place for every kind: times in the recipient's
 * zone, named (its IANA name and its abbreviation at that moment), so nobody converts anything in their head.
 * Names are the users' own text, so the HTML escapes them.
 */
record Letter(String subject, String text, String html) {

  private static final DateTimeFormatter DAY_AND_TIME = DateTimeFormatter.ofPattern("EEEE d MMMM uuuu, HH:mm", Locale.ENGLISH);
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ENGLISH);
  private static final DateTimeFormatter ABBREVIATION = DateTimeFormatter.ofPattern("zzz", Locale.ENGLISH);

  /**
   * @param unsubscribe the one-click link that turns the recipient's email off
   */
  static Letter of(NotificationStore.Claimed claimed, String unsubscribe) {
    ZoneId zone = ZoneId.of(claimed.timeZone());
    JsonObject booking = claimed.booking();
    String when = when(booking.getString("start_time"), booking.getString("end_time"), zone);
    String other = claimed.otherName() == null ? "the other party" : claimed.otherName();
    String subject;
    String line;
    switch (claimed.kind()) {
      case BOOKING_REQUESTED -> {
        subject = "Lesson request from " + other;
        line = other + " asks for a lesson with you on " + when + ". Confirm or decline it in the app.";
      }
      case BOOKING_CONFIRMED -> {
        subject = "Lesson confirmed with " + other;
        line = other + " confirmed your lesson on " + when + ".";
      }
      case BOOKING_RESCHEDULED -> {
        JsonArray moves = booking.getJsonArray("previous_times");
        JsonObject from = moves.getJsonObject(moves.size() - 1);
        subject = "Lesson with " + other + " moved";
        line = "Your lesson with " + other + " on " + when(from.getString("start_time"), from.getString("end_time"), zone)
          + " was moved to " + when + ("pending".equals(booking.getString("status")) ? ", to be confirmed again." : ".");
      }
      case BOOKING_CANCELLED -> {
        subject = "Lesson with " + other + " cancelled";
        line = "Your lesson with " + other + " on " + when + " was cancelled.";
      }
      case REMINDER -> {
        subject = "Reminder: lesson with " + other + " in " + duration(claimed.minutesBefore());
        line = "Your lesson with " + other + " starts in " + duration(claimed.minutesBefore()) + ": " + when + ".";
      }
      case SERIES_REQUESTED -> {
        subject = "Weekly lessons requested by " + other;
        line = other + " asks for weekly lessons with you: " + occurrences(booking, zone)
          + ". Confirm or decline the series in the app.";
      }
      case SERIES_OCCURRENCE_SKIPPED -> {
        JsonObject skipped = Plan.skippedOccurrence(booking);
        subject = "A weekly lesson with " + other + " could not be booked";
        line = "Your weekly lesson with " + other + " on " + when(skipped.getString("start_time"),
          skipped.getString("end_time"), zone) + " could not be booked (" + skipped.getString("reason")
          + "). The series' other lessons stay as they are.";
      }
      default -> throw new IllegalStateException("no letter for " + claimed.kind());
    }
    String greeting = "Hello " + claimed.name() + ",";
    String footer = "You receive this because of a lesson booked on Vyoma. To stop these emails: " + unsubscribe;
    String text = greeting + "\n\n" + line + "\n\n-- \n" + footer + "\n";
    String html = "<!DOCTYPE html><html><body><p>" + escape(greeting) + "</p><p>" + escape(line) + "</p>"
      + "<p style=\"color:#666;font-size:small\">You receive this because of a lesson booked on Vyoma. <a href=\""
      + escape(unsubscribe) + "\">Stop these emails</a>.</p></body></html>";
    return new Letter(subject, text, html);
  }

  /** A series' occurrences judged so far, each booked or skipped (with why), one after another. */
  private static String occurrences(JsonObject series, ZoneId zone) {
    return series.getJsonArray("occurrences").stream().map(JsonObject.class::cast)
      .map(occurrence -> when(occurrence.getString("start_time"), occurrence.getString("end_time"), zone)
        + (occurrence.getString("booking_id") == null ? " (cannot be booked: " + occurrence.getString("reason") + ")" : ""))
      .collect(Collectors.joining("; "));
  }

  /** "Tuesday 2 March 2027, 14:00–15:00 Europe/Berlin (CET)". */
  static String when(String start, String end, ZoneId zone) {
    ZonedDateTime from = OffsetDateTime.parse(start).atZoneSameInstant(zone);
    ZonedDateTime to = OffsetDateTime.parse(end).atZoneSameInstant(zone);
    // The abbreviation in force at the start (CET or CEST); UTC's is its name.
    String abbreviation = ABBREVIATION.format(from);
    String name = zone.getId().equals(abbreviation) ? zone.getId() : zone.getId() + " (" + abbreviation + ")";
    return DAY_AND_TIME.format(from) + "–" + (from.toLocalDate().equals(to.toLocalDate()) ? TIME.format(to)
      : DAY_AND_TIME.format(to)) + " " + name;
  }

  private static String duration(int minutes) {
    if (minutes % 1440 == 0) {
      return minutes / 1440 + (minutes == 1440 ? " day" : " days");
    }
    if (minutes % 60 == 0) {
      return minutes / 60 + (minutes == 60 ? " hour" : " hours");
    }
    return minutes + (minutes == 1 ? " minute" : " minutes");
  }

  private static String escape(String text) {
    StringBuilder escaped = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '<' -> escaped.append("&lt;");
        case '>' -> escaped.append("&gt;");
        case '&' -> escaped.append("&amp;");
        case '"' -> escaped.append("&quot;");
        case '\'' -> escaped.append("&#39;");
        default -> escaped.append(c);
      }
    }
    return escaped.toString();
  }
}
