package red.sessions.vyoma.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.availability.AvailabilityService;
import red.sessions.vyoma.availability.NewSlot;
import red.sessions.vyoma.availability.Slot;
import red.sessions.vyoma.bus.Times;

import java.time.OffsetDateTime;

/** {@code /availability}: the seed's shapes for listing, publishing and deleting slots. */
final class AvailabilityRoutes {

  private AvailabilityRoutes() {
  }

  static void mount(Endpoints api, AvailabilityService availability) {
    api.get("/availability", call -> availability.list(call.query("teacher_id"), time(call, "from"), time(call, "to"),
        call.page())
      .map(slots -> Reply.ok(new JsonArray(slots.stream().map(AvailabilityRoutes::json).toList()))));
    api.post("/availability", call -> availability.create(call.caller(), NewSlot.parse(call.body()))
      .map(id -> Reply.created(new JsonObject().put("id", id.toString())
        .put("message", "Availability slot created successfully"))));
    api.delete("/availability/:id", call -> availability.delete(call.caller(), call.pathUuid("id"))
      .map(v -> Reply.ok(new JsonObject().put("message", "Availability slot deleted successfully"))));
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
