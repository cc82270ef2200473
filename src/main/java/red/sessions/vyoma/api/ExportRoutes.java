package red.sessions.vyoma.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.exports.Export;
import red.sessions.vyoma.exports.ExportService;
import red.sessions.vyoma.kernel.Times;

/** A user's data on request: {@code POST /profiles/{user_id}/export}, {@code GET /exports/{export_id}}, {@code GET /exports}. */
final class ExportRoutes {

  private ExportRoutes() {
  }

  static void mount(Endpoints api, ExportService exports) {
    api.post("/profiles/:user_id/export", call -> exports.request(call.caller(), call.path("user_id"))
      .map(export -> Reply.accepted(json(export))));
    api.get("/exports/:export_id", call -> exports.get(call.caller(), call.pathUuid("export_id"))
      .map(export -> Reply.ok(json(export))));
    api.get("/exports", call -> exports.list(call.caller(), call.page())
      .map(list -> Reply.ok(new JsonArray(list.stream().map(ExportRoutes::json).toList()))));
  }

  private static JsonObject json(Export export) {
    return new JsonObject()
      .put("export_id", export.id().toString())
      .put("user_id", export.userId())
      .put("requested_by", export.requestedBy())
      .put("status", export.status())
      .put("error", export.error())
      .put("size_bytes", export.sizeBytes())
      .put("download_url", export.downloadUrl())
      .put("created_at", Times.format(export.createdAt()))
      .put("finished_at", export.finishedAt() == null ? null : Times.format(export.finishedAt()))
      .put("expired_at", export.expiredAt() == null ? null : Times.format(export.expiredAt()));
  }
}
