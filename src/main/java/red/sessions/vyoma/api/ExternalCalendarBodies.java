package red.sessions.vyoma.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.externalcalendars.CalendarSource;
import red.sessions.vyoma.kernel.Text;
import red.sessions.vyoma.platform.OutboundTargets;

import java.util.ArrayList;
import java.util.List;

/** The request body of {@code PUT /teachers/{teacher_id}/external-calendars}, read into the domain's input. */
final class ExternalCalendarBodies {

  private ExternalCalendarBodies() {
  }

  static List<CalendarSource> calendars(JsonObject body) {
    JsonArray list = JsonFields.optionalArray(body, "calendars", "calendars");
    if (list == null) {
      throw DomainException.invalid("calendars is required (an empty list removes them all)");
    }
    if (list.size() > CalendarSource.MAX_CALENDARS) {
      throw DomainException.invalid("calendars may list at most " + CalendarSource.MAX_CALENDARS + " calendars");
    }
    List<CalendarSource> calendars = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String label = "calendars[" + i + "]";
      if (!(list.getValue(i) instanceof JsonObject calendar)) {
        throw DomainException.invalid(label + " must be an object");
      }
      String url = Text.bounded(JsonFields.requiredString(calendar, "url", label + ".url"), label + ".url", 1,
        CalendarSource.MAX_URL);
      OutboundTargets.requireHttpUrl(url, label + ".url");
      String name = JsonFields.optionalString(calendar, "name", label + ".name");
      if (name != null) {
        Text.bounded(name, label + ".name", 1, CalendarSource.MAX_NAME);
      }
      if (calendars.stream().anyMatch(earlier -> earlier.url().equals(url))) {
        throw DomainException.invalid(label + ".url is listed twice");
      }
      calendars.add(new CalendarSource(url, name));
    }
    return calendars;
  }
}
