package red.sessions.vyoma.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.erasures.Erasure;
import red.sessions.vyoma.erasures.ErasureService;
import red.sessions.vyoma.kernel.Times;

/** {@code DELETE /profiles/{user_id}} and {@code /erasures}: a user's erasure and its progress. */
final class ErasureRoutes {

  private ErasureRoutes() {
  }

  static void mount(Endpoints api, ErasureService erasures) {
    api.delete("/profiles/:user_id", call -> erasures.request(call.caller(), call.path("user_id"), call.query("reason"))
      .map(requested -> Reply.accepted(json(requested.erasure()))));
    api.get("/erasures", call -> erasures.list(call.caller(), call.page())
      .map(list -> Reply.ok(new JsonArray(list.stream().map(ErasureRoutes::json).toList()))));
    api.get("/erasures/:id", call -> erasures.get(call.caller(), call.pathUuid("id"))
      .map(erasure -> Reply.ok(json(erasure))));
  }

  private static JsonObject json(Erasure erasure) {
    return new JsonObject()
      .put("erasure_id", erasure.id().toString())
      .put("user_id", erasure.userId())
      .put("requested_by", erasure.requestedBy())
      .put("reason", erasure.reason())
      .put("status", erasure.status())
      .put("step", erasure.step())
      .put("attempts", erasure.attempts())
      .put("error", erasure.error())
      .put("created_at", Times.format(erasure.createdAt()))
      .put("updated_at", Times.format(erasure.updatedAt()))
      .put("completed_at", erasure.completedAt() == null ? null : Times.format(erasure.completedAt()));
  }
}
