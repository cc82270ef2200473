package red.sessions.vyoma.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.List;

/** Bodies of {@code PUT /teachers/{teacher_id}/schedule} and readings of {@code GET /teachers/{teacher_id}/slots}. */
public final class Schedules {

  public static final List<String> DAYS = List.of("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday");

  private Schedules() {
  }

  /** The same hours on every day of the week. */
  public static JsonArray everyDay(String start, String end) {
    JsonArray weekly = new JsonArray();
    DAYS.forEach(day -> weekly.add(hours(start, end).put("day", day)));
    return weekly;
  }

  public static JsonObject hours(String start, String end) {
    return new JsonObject().put("start", start).put("end", end);
  }

  /** One date's hours, replacing its weekly ones. */
  public static JsonObject onDate(LocalDate date, String start, String end) {
    return hours(start, end).put("date", date.toString());
  }

  public static JsonObject schedule(String zone, JsonArray weekly, JsonArray overrides, JsonObject rules) {
    return new JsonObject().put("time_zone", zone).put("weekly", weekly).put("overrides", overrides).put("rules", rules);
  }

  public static JsonObject rules(int noticeMinutes, int bufferMinutes, int stepMinutes, int maxDaysAhead) {
    return new JsonObject().put("min_notice_minutes", noticeMinutes).put("buffer_minutes", bufferMinutes)
      .put("slot_step_minutes", stepMinutes).put("max_days_ahead", maxDaysAhead)
      .put("cancellation", new JsonObject().put("free_until_hours_before", 0)).put("requires_package", false);
  }

  /** The listed slots' starts, as the server wrote them (in the zone asked for, with its offset). */
  public static List<String> starts(JsonObject listing) {
    return listing.getJsonArray("slots").stream().map(slot -> ((JsonObject) slot).getString("start")).toList();
  }

  public static List<Instant> startInstants(JsonObject listing) {
    return starts(listing).stream().map(start -> OffsetDateTime.parse(start).toInstant()).toList();
  }

  /** The zone's next {@code count} offset changes from now (never hard-coded: they move with today). */
  public static List<ZoneOffsetTransition> nextTransitions(ZoneId zone, int count) {
    List<ZoneOffsetTransition> transitions = new ArrayList<>();
    Instant from = Instant.now();
    while (transitions.size() < count) {
      ZoneOffsetTransition next = zone.getRules().nextTransition(from);
      transitions.add(next);
      from = next.getInstant();
    }
    return transitions;
  }
}
