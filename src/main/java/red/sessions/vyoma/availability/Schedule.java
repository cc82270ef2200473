package red.sessions.vyoma.availability;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.bus.Echo;
import red.sessions.vyoma.kernel.JsonFields;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A teacher's weekly hours in the teacher's own time zone, dated overrides that replace a date's weekly
 * hours (or close the day), and the rules for booking them. Hours are local wall-clock time, so 13:00 stays
 * 13:00 across a DST change; {@link Bookable} turns them into real instants.
 */
public record Schedule(ZoneId timeZone, Map<DayOfWeek, List<Hours>> weekly, Map<LocalDate, List<Hours>> overrides,
                       Rules rules) {

  static final int MAX_WEEKLY = 100;
  static final int MAX_OVERRIDES = 1000;
  private static final int DAY = 24 * 60;
  private static final Pattern CLOCK = Pattern.compile("([01]\\d|2[0-4]):([0-5]\\d)");
  /**
   * The zones a client may name: those of this JVM's IANA time zone database in its Area/Location form
   * ({@code Europe/Berlin}, {@code America/Argentina/Buenos_Aires}, the {@code Etc/} zones, old links such as
   * {@code US/Eastern}), and {@code UTC}. Left out are the legacy names with no area ({@code EST5EDT},
   * {@code Japan}, {@code GMT}) and Java's {@code SystemV/} ids, which the IANA database no longer has;
   * {@link ZoneId#of} also takes offsets ({@code +05:30}, {@code GMT+3}), which are no zone of the database.
   * Read once, since getAvailableZoneIds copies the set on every call.
   */
  private static final Set<String> ZONES = ZoneId.getAvailableZoneIds().stream()
    .filter(zone -> zone.equals("UTC") || zone.contains("/") && !zone.startsWith("SystemV/"))
    .collect(Collectors.toUnmodifiableSet());

  /**
   * What a teacher who never set a schedule has: no weekly hours (only one-off slots), the default rules
   * but no booking window, so their slots book as they always did, however far ahead.
   */
  static final Schedule NONE = new Schedule(ZoneId.of("UTC"), Map.of(), Map.of(), new Rules(0, 0, 15, null, 0, false));

  /** Local wall-clock minutes of a day, from {@code start} up to {@code end} (1440 is 24:00). */
  record Hours(int start, int end) {
  }

  /**
   * How a teacher's hours may be booked ({@code maxDaysAhead} null for no booking window), until how many
   * hours before its start a student cancels a lesson of a package for free, and whether a booking needs one.
   */
  public record Rules(int minNoticeMinutes, int bufferMinutes, int slotStepMinutes, Integer maxDaysAhead,
                      int freeCancellationHours, boolean requiresPackage) {
    static final Rules DEFAULT = new Rules(0, 0, 15, 365, 0, false);
  }

  /** The local hours of a date: its override when it has one (empty: closed), else its weekday's hours. */
  List<Hours> hoursOn(LocalDate date) {
    List<Hours> override = overrides.get(date);
    return override != null ? override : weekly.getOrDefault(date.getDayOfWeek(), List.of());
  }

  /** A {@code PUT /teachers/{teacher_id}/schedule} body, checked; 400 naming the field that is wrong. */
  public static Schedule parse(JsonObject body) {
    ZoneId zone = zone(JsonFields.requiredString(body, "time_zone", "time_zone"));
    JsonArray weekly = JsonFields.optionalArray(body, "weekly", "weekly");
    if (weekly == null) {
      throw DomainException.invalid("weekly is required (an empty list for none)");
    }
    JsonArray overrides = JsonFields.optionalArray(body, "overrides", "overrides");
    Object rules = body.getValue("rules");
    if (rules != null && !(rules instanceof JsonObject)) {
      throw DomainException.invalid("rules must be an object");
    }
    return new Schedule(zone, weekly(weekly), overrides(overrides == null ? new JsonArray() : overrides),
      rules((JsonObject) rules));
  }

  /** A stored schedule: the same shapes as the API's, written by this class. */
  static Schedule stored(String timeZone, JsonArray weekly, JsonArray overrides, Rules rules) {
    return new Schedule(ZoneId.of(timeZone), weekly(weekly), overrides(overrides), rules);
  }

  public JsonObject toJson(String teacherId) {
    return new JsonObject()
      .put("teacher_id", teacherId)
      .put("time_zone", timeZone.getId())
      .put("weekly", weeklyJson())
      .put("overrides", overridesJson())
      .put("rules", new JsonObject()
        .put("min_notice_minutes", rules.minNoticeMinutes())
        .put("buffer_minutes", rules.bufferMinutes())
        .put("slot_step_minutes", rules.slotStepMinutes())
        .put("max_days_ahead", rules.maxDaysAhead())
        .put("cancellation", new JsonObject().put("free_until_hours_before", rules.freeCancellationHours()))
        .put("requires_package", rules.requiresPackage()));
  }

  JsonArray weeklyJson() {
    JsonArray json = new JsonArray();
    weekly.forEach((day, hours) -> hours.forEach(h -> json.add(hoursJson(h).put("day", day.name().toLowerCase(Locale.ROOT)))));
    return json;
  }

  JsonArray overridesJson() {
    JsonArray json = new JsonArray();
    overrides.forEach((date, hours) -> {
      if (hours.isEmpty()) {
        json.add(new JsonObject().put("date", date.toString()).put("unavailable", true));
      }
      hours.forEach(h -> json.add(hoursJson(h).put("date", date.toString())));
    });
    return json;
  }

  private static JsonObject hoursJson(Hours hours) {
    return new JsonObject().put("start", clock(hours.start())).put("end", clock(hours.end()));
  }

  private static String clock(int minutes) {
    return String.format(Locale.ROOT, "%02d:%02d", minutes / 60, minutes % 60);
  }

  private static ZoneId zone(String name) {
    if (!ZONES.contains(name)) {
      throw DomainException.invalid("time_zone must be an IANA time zone such as Europe/Berlin (or UTC), not "
        + Echo.of(name));
    }
    return ZoneId.of(name);
  }

  /** Reads an optional {@code time_zone} query parameter; UTC without one. */
  public static ZoneId zoneParameter(String name) {
    return name == null ? ZoneId.of("UTC") : zone(name);
  }

  private static Map<DayOfWeek, List<Hours>> weekly(JsonArray entries) {
    if (entries.size() > MAX_WEEKLY) {
      throw DomainException.invalid("weekly has at most " + MAX_WEEKLY + " intervals");
    }
    Map<DayOfWeek, List<Hours>> byDay = new EnumMap<>(DayOfWeek.class);
    for (int i = 0; i < entries.size(); i++) {
      String label = "weekly[" + i + "]";
      JsonObject entry = entry(entries.getValue(i), label);
      DayOfWeek day = day(JsonFields.requiredString(entry, "day", label + ".day"), label + ".day");
      byDay.computeIfAbsent(day, d -> new ArrayList<>()).add(hours(entry, label));
    }
    byDay.forEach((day, hours) -> sortWithoutOverlap(hours, "weekly hours of " + day.name().toLowerCase(Locale.ROOT)));
    return byDay;
  }

  private static Map<LocalDate, List<Hours>> overrides(JsonArray entries) {
    if (entries.size() > MAX_OVERRIDES) {
      throw DomainException.invalid("overrides has at most " + MAX_OVERRIDES + " entries");
    }
    Map<LocalDate, List<Hours>> byDate = new TreeMap<>();
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
      List<Hours> hours = byDate.computeIfAbsent(date, d -> new ArrayList<>());
      if (!closes) {
        hours.add(hours(entry, label));
      }
    }
    byDate.forEach((date, hours) -> sortWithoutOverlap(hours, "overrides of " + date));
    return byDate;
  }

  private static JsonObject entry(Object value, String label) {
    if (!(value instanceof JsonObject entry)) {
      throw DomainException.invalid(label + " must be an object");
    }
    return entry;
  }

  private static Hours hours(JsonObject entry, String label) {
    int start = minutes(JsonFields.requiredString(entry, "start", label + ".start"), label + ".start");
    int end = minutes(JsonFields.requiredString(entry, "end", label + ".end"), label + ".end");
    if (start >= DAY) {
      throw DomainException.invalid(label + ".start must be from 00:00 to 23:59");
    }
    if (start >= end) {
      throw DomainException.invalid(label + ".start must be before " + label + ".end");
    }
    return new Hours(start, end);
  }

  private static int minutes(String clock, String label) {
    Matcher time = CLOCK.matcher(clock);
    int minutes = time.matches() ? Integer.parseInt(time.group(1)) * 60 + Integer.parseInt(time.group(2)) : -1;
    if (minutes < 0 || minutes > DAY) {
      throw DomainException.invalid(label + " must be a local time HH:MM from 00:00 to 24:00");
    }
    return minutes;
  }

  private static DayOfWeek day(String name, String label) {
    for (DayOfWeek day : DayOfWeek.values()) {
      if (day.name().toLowerCase(Locale.ROOT).equals(name)) {
        return day;
      }
    }
    throw DomainException.invalid(label + " must be a day of the week in lower case, such as monday");
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

  private static void sortWithoutOverlap(List<Hours> hours, String label) {
    hours.sort(Comparator.comparingInt(Hours::start));
    for (int i = 1; i < hours.size(); i++) {
      if (hours.get(i).start() < hours.get(i - 1).end()) {
        throw DomainException.invalid(label + ": " + clock(hours.get(i - 1).start()) + "-" + clock(hours.get(i - 1).end())
          + " overlaps " + clock(hours.get(i).start()) + "-" + clock(hours.get(i).end()));
      }
    }
  }

  private static Rules rules(JsonObject rules) {
    if (rules == null) {
      return Rules.DEFAULT;
    }
    return new Rules(
      rule(rules, "min_notice_minutes", Rules.DEFAULT.minNoticeMinutes(), 0, 43200),
      rule(rules, "buffer_minutes", Rules.DEFAULT.bufferMinutes(), 0, 240),
      rule(rules, "slot_step_minutes", Rules.DEFAULT.slotStepMinutes(), 5, 480),
      rule(rules, "max_days_ahead", Rules.DEFAULT.maxDaysAhead(), 1, 730),
      cancellation(rules.getValue("cancellation")),
      requiresPackage(rules.getValue("requires_package")));
  }

  private static int cancellation(Object cancellation) {
    if (cancellation == null) {
      return Rules.DEFAULT.freeCancellationHours();
    }
    if (!(cancellation instanceof JsonObject policy)) {
      throw DomainException.invalid("rules.cancellation must be an object");
    }
    return rule(policy, "free_until_hours_before", Rules.DEFAULT.freeCancellationHours(), 0, 720);
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
