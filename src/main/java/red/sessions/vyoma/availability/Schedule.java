package red.sessions.vyoma.availability;

import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.kernel.TimeZones;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A teacher's weekly hours in the teacher's own time zone, dated overrides that replace a date's weekly
 * hours (or close the day), and the rules for booking them. Hours are local wall-clock time, so 13:00 stays
 * 13:00 across a DST change; {@link Bookable} turns them into real instants.
 */
public record Schedule(ZoneId timeZone, Map<DayOfWeek, List<Hours>> weekly, Map<LocalDate, List<Hours>> overrides,
                       Rules rules) {

  public static final int MAX_WEEKLY = 100;
  public static final int MAX_OVERRIDES = 1000;
  /** The minutes of a day: the end of the last hours a day can have (24:00). */
  public static final int DAY = 24 * 60;
  /**
   * What a teacher who never set a schedule has: no weekly hours (only one-off slots), the default rules
   * but no booking window, so their slots book as they always did, however far ahead.
   */
  static final Schedule NONE = new Schedule(ZoneId.of("UTC"), Map.of(), Map.of(), new Rules(0, 0, 15, null, 0, false));

  /** Local wall-clock minutes of a day, from {@code start} up to {@code end} (1440 is 24:00). */
  public record Hours(int start, int end) {
  }

  /**
   * How a teacher's hours may be booked ({@code maxDaysAhead} null for no booking window), until how many
   * hours before its start a student cancels a lesson of a package for free, and whether a booking needs one.
   */
  public record Rules(int minNoticeMinutes, int bufferMinutes, int slotStepMinutes, Integer maxDaysAhead,
                      int freeCancellationHours, boolean requiresPackage) {
    public static final Rules DEFAULT = new Rules(0, 0, 15, 365, 0, false);
  }

  /**
   * A schedule as a teacher sets it: each day's and each date's hours put in order, where hours of the same
   * day that overlap are invalid.
   */
  public static Schedule of(ZoneId timeZone, Map<DayOfWeek, List<Hours>> weekly, Map<LocalDate, List<Hours>> overrides,
                            Rules rules) {
    weekly.forEach((day, hours) -> sortWithoutOverlap(hours, "weekly hours of " + day.name().toLowerCase(Locale.ROOT)));
    overrides.forEach((date, hours) -> sortWithoutOverlap(hours, "overrides of " + date));
    return new Schedule(timeZone, weekly, overrides, rules);
  }

  /** The local hours of a date: its override when it has one (empty: closed), else its weekday's hours. */
  List<Hours> hoursOn(LocalDate date) {
    List<Hours> override = overrides.get(date);
    return override != null ? override : weekly.getOrDefault(date.getDayOfWeek(), List.of());
  }

  /** A zone a schedule may be kept in, by its IANA name. */
  public static ZoneId zone(String name) {
    return TimeZones.of(name, "time_zone");
  }

  /** The zone slots are shown in: UTC when none is named. */
  public static ZoneId zoneParameter(String name) {
    return name == null ? ZoneId.of("UTC") : zone(name);
  }

  /** Minutes of a day as a local time, {@code HH:MM}. */
  static String clock(int minutes) {
    return String.format(Locale.ROOT, "%02d:%02d", minutes / 60, minutes % 60);
  }

  private static void sortWithoutOverlap(List<Hours> hours, String label) {
    hours.sort(Comparator.comparingInt(Hours::start));
    for (int i = 1; i < hours.size(); i++) {
      if (hours.get(i).start() < hours.get(i - 1).end()) {
        Hours before = hours.get(i - 1);
        throw DomainException.invalid(label + ": " + clock(before.start()) + "-" + clock(before.end())
          + " overlaps " + clock(hours.get(i).start()) + "-" + clock(hours.get(i).end()));
      }
    }
  }
}
