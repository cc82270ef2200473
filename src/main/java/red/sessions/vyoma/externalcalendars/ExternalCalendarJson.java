package red.sessions.vyoma.externalcalendars;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.kernel.Times;

import java.util.List;

/** A teacher's external calendars as the API answers them, in one place. */
public final class ExternalCalendarJson {

  private ExternalCalendarJson() {
  }

  public static JsonObject calendars(String teacherId, List<ExternalCalendar> calendars) {
    return new JsonObject()
      .put("teacher_id", teacherId)
      .put("calendars", new JsonArray(calendars.stream().map(ExternalCalendarJson::calendar).toList()));
  }

  private static JsonObject calendar(ExternalCalendar calendar) {
    return new JsonObject()
      .put("id", calendar.id().toString())
      .put("url", calendar.url())
      .put("name", calendar.name())
      .put("status", calendar.status())
      .put("error", calendar.error())
      .put("last_fetched_at", calendar.lastFetchedAt() == null ? null : Times.format(calendar.lastFetchedAt()))
      .put("last_success_at", calendar.lastSuccessAt() == null ? null : Times.format(calendar.lastSuccessAt()))
      .put("busy_intervals", calendar.busyIntervals())
      .put("conflicts", calendar.conflicts());
  }
}
