package red.sessions.vyoma.availability;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A schedule's wire format, in one place: the schedule as the API answers it, and its weekly hours and
 * overrides in the same shapes as the store keeps them, with the notations of days and local times that a
 * request body uses too.
 */
public final class ScheduleJson {

  private static final Pattern CLOCK = Pattern.compile("([01]\\d|2[0-4]):([0-5]\\d)");

  private ScheduleJson() {
  }

  public static JsonObject schedule(Schedule schedule, String teacherId) {
    Schedule.Rules rules = schedule.rules();
    return new JsonObject()
      .put("teacher_id", teacherId)
      .put("time_zone", schedule.timeZone().getId())
      .put("weekly", weekly(schedule))
      .put("overrides", overrides(schedule))
      .put("rules", new JsonObject()
        .put("min_notice_minutes", rules.minNoticeMinutes())
        .put("buffer_minutes", rules.bufferMinutes())
        .put("slot_step_minutes", rules.slotStepMinutes())
        .put("max_days_ahead", rules.maxDaysAhead())
        .put("cancellation", new JsonObject().put("free_until_hours_before", rules.freeCancellationHours()))
        .put("requires_package", rules.requiresPackage()));
  }

  /** A day of the week as written: {@code monday}; {@code null} for a name that is none. */
  public static DayOfWeek day(String name) {
    for (DayOfWeek day : DayOfWeek.values()) {
      if (dayName(day).equals(name)) {
        return day;
      }
    }
    return null;
  }

  /** A local time {@code HH:MM} from 00:00 to 24:00 as minutes of the day; -1 for anything else. */
  public static int minutes(String clock) {
    Matcher time = CLOCK.matcher(clock);
    int minutes = time.matches() ? Integer.parseInt(time.group(1)) * 60 + Integer.parseInt(time.group(2)) : -1;
    return minutes <= Schedule.DAY ? minutes : -1;
  }

  static JsonArray weekly(Schedule schedule) {
    JsonArray json = new JsonArray();
    schedule.weekly().forEach((day, hours) -> hours.forEach(h -> json.add(hours(h).put("day", dayName(day)))));
    return json;
  }

  static JsonArray overrides(Schedule schedule) {
    JsonArray json = new JsonArray();
    schedule.overrides().forEach((date, hours) -> {
      if (hours.isEmpty()) {
        json.add(new JsonObject().put("date", date.toString()).put("unavailable", true));
      }
      hours.forEach(h -> json.add(hours(h).put("date", date.toString())));
    });
    return json;
  }

  /** A schedule as the store kept it: written by this class from a schedule that was valid. */
  static Schedule stored(String timeZone, JsonArray weekly, JsonArray overrides, Schedule.Rules rules) {
    Map<DayOfWeek, List<Schedule.Hours>> byDay = new EnumMap<>(DayOfWeek.class);
    for (Object entry : weekly) {
      JsonObject hours = (JsonObject) entry;
      byDay.computeIfAbsent(day(hours.getString("day")), d -> new ArrayList<>()).add(hours(hours));
    }
    Map<LocalDate, List<Schedule.Hours>> byDate = new TreeMap<>();
    for (Object entry : overrides) {
      JsonObject override = (JsonObject) entry;
      LocalDate date = LocalDate.parse(override.getString("date"));
      List<Schedule.Hours> hours = byDate.computeIfAbsent(date, d -> new ArrayList<>());
      if (!override.getBoolean("unavailable", false)) {
        hours.add(hours(override));
      }
    }
    return new Schedule(ZoneId.of(timeZone), byDay, byDate, rules);
  }

  private static String dayName(DayOfWeek day) {
    return day.name().toLowerCase(Locale.ROOT);
  }

  private static JsonObject hours(Schedule.Hours hours) {
    return new JsonObject().put("start", Schedule.clock(hours.start())).put("end", Schedule.clock(hours.end()));
  }

  private static Schedule.Hours hours(JsonObject hours) {
    return new Schedule.Hours(minutes(hours.getString("start")), minutes(hours.getString("end")));
  }
}
