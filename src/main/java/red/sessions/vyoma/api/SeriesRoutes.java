package red.sessions.vyoma.api;

import io.vertx.core.json.JsonArray;
import red.sessions.vyoma.bookings.CreatedSeries;
import red.sessions.vyoma.bookings.SeriesJson;
import red.sessions.vyoma.bookings.SeriesService;

/**
 * {@code /series}: weekly lessons booked with one request, with {@code Idempotency-Key} and
 * {@code Idempotent-Replayed} as on {@code /bookings}.
 */
final class SeriesRoutes {

  private SeriesRoutes() {
  }

  static void mount(Endpoints api, SeriesService series) {
    api.get("/series", call -> series.list(call.caller(), call.query("student_id"), call.query("teacher_id"), call.page())
      .map(list -> Reply.ok(new JsonArray(list.stream().map(SeriesJson::series).toList()))));
    api.post("/series", call -> series.create(call.caller(), SeriesBodies.newSeries(call.body()),
        call.header("Idempotency-Key"))
      .map(SeriesRoutes::made));
    api.get("/series/:series_id", call -> series.get(call.caller(), call.pathUuid("series_id"))
      .map(found -> Reply.ok(SeriesJson.series(found))));
    api.post("/series/:series_id/confirm", call -> series.confirm(call.caller(), call.pathUuid("series_id"))
      .map(confirmed -> Reply.ok(SeriesJson.series(confirmed))));
    api.post("/series/:series_id/cancel", call -> series.cancel(call.caller(), call.pathUuid("series_id"),
        SeriesBodies.cancellation(call.body()))
      .map(cancelled -> Reply.ok(SeriesJson.series(cancelled))));
    api.post("/series/:series_id/reschedule", call -> series.reschedule(call.caller(), call.pathUuid("series_id"),
        SeriesBodies.move(call.body()), call.header("Idempotency-Key"))
      .map(SeriesRoutes::made));
  }

  /** 201 with the series made, marked when it is an earlier request's. */
  private static Reply made(CreatedSeries made) {
    Reply reply = Reply.created(SeriesJson.series(made.series()));
    return made.replayed() ? reply.header("Idempotent-Replayed", "true") : reply;
  }
}
