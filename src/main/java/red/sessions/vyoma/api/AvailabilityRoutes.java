package red.sessions.vyoma.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.availability.AvailabilityService;
import red.sessions.vyoma.availability.ScheduleJson;
import red.sessions.vyoma.availability.Slot;
import red.sessions.vyoma.availability.SlotQuery;
import red.sessions.vyoma.kernel.Times;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;

/**
 * {@code /availability}: the seed's shapes for listing, publishing and deleting slots; and
 * {@code /teachers/{teacher_id}/schedule} and {@code /slots}: weekly hours and the times they make bookable.
 */
final class AvailabilityRoutes {

  /** A bookable slot's times, in the zone the caller asked for, with that zone's offset at each time. */
  private static final DateTimeFormatter ZONED = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssxxx");

  private AvailabilityRoutes() {
  }

  static void mount(Endpoints api, AvailabilityService availability) {
    api.get("/availability", call -> availability.list(call.query("teacher_id"), time(call, "from"), time(call, "to"),
        call.page())
      .map(slots -> Reply.ok(new JsonArray(slots.stream().map(AvailabilityRoutes::json).toList()))));
    api.post("/availability", call -> availability.create(call.caller(), AvailabilityBodies.newSlot(call.body()))
      .map(id -> Reply.created(new JsonObject().put("id", id.toString())
        .put("message", "Availability slot created successfully"))));
    api.delete("/availability/:id", call -> availability.delete(call.caller(), call.pathUuid("id"))
      .map(v -> Reply.ok(new JsonObject().put("message", "Availability slot deleted successfully"))));
    api.get("/teachers/:teacher_id/schedule", call -> availability.schedule(call.path("teacher_id"))
      .map(schedule -> Reply.ok(ScheduleJson.schedule(schedule, call.path("teacher_id")))));
    api.put("/teachers/:teacher_id/schedule", call -> availability.saveSchedule(call.caller(), call.path("teacher_id"),
        AvailabilityBodies.schedule(call.body()))
      .map(schedule -> Reply.ok(ScheduleJson.schedule(schedule, call.path("teacher_id")))));
    api.get("/teachers/:teacher_id/slots", call -> {
      SlotQuery query = SlotQuery.parse(call.query("from"), call.query("to"), call.query("duration"),
        call.query("time_zone"));
      return availability.bookableSlots(call.path("teacher_id"), query)
        .map(slots -> Reply.ok(new JsonObject()
          .put("teacher_id", call.path("teacher_id"))
          .put("time_zone", query.zone().getId())
          .put("duration", query.duration().toMinutes())
          .put("slots", new JsonArray(slots.stream().map(slot -> new JsonObject()
            .put("start", ZONED.format(slot.start().atZone(query.zone())))
            .put("end", ZONED.format(slot.end().atZone(query.zone())))).toList()))));
    });
  }

  private static OffsetDateTime time(ApiCall call, String name) {
    String value = call.query(name);
    return value == null ? null : Times.parseQuery(value, name);
  }

  private static JsonObject json(Slot slot) {
    return new JsonObject()
      .put("id", slot.id().toString())
      .put("teacher_id", slot.teacherId())
      .put("start_time", Times.format(slot.startTime()))
      .put("end_time", Times.format(slot.endTime()))
      .put("is_booked", slot.booked());
  }
}
