package red.sessions.vyoma.api;

import red.sessions.vyoma.externalcalendars.ExternalCalendarJson;
import red.sessions.vyoma.externalcalendars.ExternalCalendarService;

/** {@code /teachers/{teacher_id}/external-calendars}: the calendars read as the teacher's busy time. */
final class ExternalCalendarRoutes {

  private ExternalCalendarRoutes() {
  }

  static void mount(Endpoints api, ExternalCalendarService calendars) {
    api.get("/teachers/:teacher_id/external-calendars", call -> calendars.list(call.caller(), call.path("teacher_id"))
      .map(list -> Reply.ok(ExternalCalendarJson.calendars(call.path("teacher_id"), list))));
    api.put("/teachers/:teacher_id/external-calendars", call -> calendars.replace(call.caller(), call.path("teacher_id"),
        ExternalCalendarBodies.calendars(call.body()))
      .map(list -> Reply.ok(ExternalCalendarJson.calendars(call.path("teacher_id"), list))));
  }
}
