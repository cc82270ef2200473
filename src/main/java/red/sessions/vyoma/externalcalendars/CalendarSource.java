package red.sessions.vyoma.externalcalendars;

/**
 * One external calendar as the teacher gives it: the address of its iCalendar file and, optionally, a name to
 * tell it by.
 */
public record CalendarSource(String url, String name) {

  public static final int MAX_CALENDARS = 5;
  public static final int MAX_URL = 2048;
  public static final int MAX_NAME = 100;
}
