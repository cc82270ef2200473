package red.sessions.vyoma.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.availability.NewSlot;
import red.sessions.vyoma.availability.Schedule;
import red.sessions.vyoma.availability.ScheduleJson;
import red.sessions.vyoma.bus.DomainException;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The request bodies of {@code /availability} and {@code /teachers/{teacher_id}/schedule}, read into the
 * availability domain's inputs; 400 naming the field that is wrong.
 */
public final class AvailabilityBodies {

  private AvailabilityBodies() {
  }

  /** {@code POST /availability}. */
  public static NewSlot newSlot(JsonObject body) {
    return NewSlot.of(JsonFields.requiredString(body, "teacher_id", "teacher_id"),
      JsonFields.requiredTime(body, "start_time", "start_time"), JsonFields.requiredTime(body, "end_time", "end_time"));
  }

  /** {@code PUT /teachers/{teacher_id}/schedule}. */
  public static Schedule schedule(JsonObject body) {
    ZoneId zone = Schedule.zone(JsonFields.requiredString(body, "time_zone", "time_zone"));
    JsonArray weekly = JsonFields.optionalArray(body, "weekly", "weekly");
    if (weekly == null) {
      throw DomainException.invalid("weekly is required (an empty list for none)");
    }
    JsonArray overrides = JsonFields.optionalArray(body, "overrides", "overrides");
    Object rules = body.getValue("rules");
    if (rules != null && !(rules instanceof JsonObject)) {
      throw DomainException.invalid("rules must be an object");
    }
    return Schedule.of(zone, weekly(weekly), overrides(overrides == null ? new JsonArray() : overrides),
      rules((JsonObject) rules));
  }

  private static Map<DayOfWeek, List<Schedule.Hours>> weekly(JsonArray entries) {
    if (entries.size() > Schedule.MAX_WEEKLY) {
      throw DomainException.invalid("weekly has at most " + Schedule.MAX_WEEKLY + " intervals");
    }
    Map<DayOfWeek, List<Schedule.Hours>> byDay = new EnumMap<>(DayOfWeek.class);
    for (int i = 0; i < entries.size(); i++) {
      String label = "weekly[" + i + "]";
      JsonObject entry = entry(entries.getValue(i), label);
      DayOfWeek day = day(JsonFields.requiredString(entry, "day", label + ".day"), label + ".day");
      byDay.computeIfAbsent(day, d -> new ArrayList<>()).add(hours(entry, label));
    }
    return byDay;
  }

  private static Map<LocalDate, List<Schedule.Hours>> overrides(JsonArray entries) {
    if (entries.size() > Schedule.MAX_OVERRIDES) {
      throw DomainException.invalid("overrides has at most " + Schedule.MAX_OVERRIDES + " entries");
    }
    Map<LocalDate, List<Schedule.Hours>> byDate = new TreeMap<>();
    Map<LocalDate, Boolean> closed = new TreeMap<>();
    for (int i = 0; i < entries.size(); i++) {
      String label = "overrides[" + i + "]";
      JsonObject entry = entry(entries.getValue(i), label);
      LocalDate date = date(JsonFields.requiredString(entry, "date", label + ".date"), label + ".date");
      Object unavailable = entry.getValue("unavailable");
      if (unavailable != null && !(unavailable instanceof Boolean)) {
        throw DomainException.invalid(label + ".unavailable must be true or false");
      }
      boolean closes = Boolean.TRUE.equals(unavailable);
      if (closes && (entry.containsKey("start") || entry.containsKey("end"))) {
        throw DomainException.invalid(label + " closes the day: it has no start or end");
      }
      if (closed.containsKey(date) && closed.get(date) != closes) {
        throw DomainException.invalid(label + ": " + date + " cannot be both closed and open at some hours");
      }
      closed.put(date, closes);
      List<Schedule.Hours> hours = byDate.computeIfAbsent(date, d -> new ArrayList<>());
      if (!closes) {
        hours.add(hours(entry, label));
      }
    }
    return byDate;
  }

  private static JsonObject entry(Object value, String label) {
    if (!(value instanceof JsonObject entry)) {
      throw DomainException.invalid(label + " must be an object");
    }
    return entry;
  }

  private static Schedule.Hours hours(JsonObject entry, String label) {
    int start = minutes(JsonFields.requiredString(entry, "start", label + ".start"), label + ".start");
    int end = minutes(JsonFields.requiredString(entry, "end", label + ".end"), label + ".end");
    if (start >= Schedule.DAY) {
      throw DomainException.invalid(label + ".start must be from 00:00 to 23:59");
    }
    if (start >= end) {
      throw DomainException.invalid(label + ".start must be before " + label + ".end");
    }
    return new Schedule.Hours(start, end);
  }

  private static int minutes(String clock, String label) {
    int minutes = ScheduleJson.minutes(clock);
    if (minutes < 0) {
      throw DomainException.invalid(label + " must be a local time HH:MM from 00:00 to 24:00");
    }
    return minutes;
  }

  private static DayOfWeek day(String name, String label) {
    DayOfWeek day = ScheduleJson.day(name);
    if (day == null) {
      throw DomainException.invalid(label + " must be a day of the week in lower case, such as monday");
    }
    return day;
  }

  private static LocalDate date(String value, String label) {
    try {
      LocalDate date = LocalDate.parse(value);
      if (date.getYear() >= 1970 && date.getYear() <= 9999) {
        return date;
      }
    } catch (DateTimeParseException notADate) {
      // answered below
    }
    throw DomainException.invalid(label + " must be a date such as 2027-03-14");
  }

  private static Schedule.Rules rules(JsonObject rules) {
    if (rules == null) {
      return Schedule.Rules.DEFAULT;
    }
    return new Schedule.Rules(
      rule(rules, "min_notice_minutes", Schedule.Rules.DEFAULT.minNoticeMinutes(), 0, 43200),
      rule(rules, "buffer_minutes", Schedule.Rules.DEFAULT.bufferMinutes(), 0, 240),
      rule(rules, "slot_step_minutes", Schedule.Rules.DEFAULT.slotStepMinutes(), 5, 480),
      rule(rules, "max_days_ahead", Schedule.Rules.DEFAULT.maxDaysAhead(), 1, 730),
      cancellation(rules.getValue("cancellation")),
      requiresPackage(rules.getValue("requires_package")));
  }

  private static int cancellation(Object cancellation) {
    if (cancellation == null) {
      return Schedule.Rules.DEFAULT.freeCancellationHours();
    }
    if (!(cancellation instanceof JsonObject policy)) {
      throw DomainException.invalid("rules.cancellation must be an object");
    }
    return rule(policy, "free_until_hours_before", Schedule.Rules.DEFAULT.freeCancellationHours(), 0, 720);
  }

  private static boolean requiresPackage(Object value) {
    if (value != null && !(value instanceof Boolean)) {
      throw DomainException.invalid("rules.requires_package must be true or false");
    }
    return Boolean.TRUE.equals(value);
  }

  private static int rule(JsonObject rules, String name, int fallback, int min, int max) {
    String label = name.equals("free_until_hours_before") ? "rules.cancellation." + name : "rules." + name;
    return rules.getValue(name) == null ? fallback : JsonFields.requiredInteger(rules, name, label, min, max);
  }
}
