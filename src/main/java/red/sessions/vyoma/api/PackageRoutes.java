package red.sessions.vyoma.api;

import io.vertx.core.json.JsonArray;
import red.sessions.vyoma.packages.PackageJson;
import red.sessions.vyoma.packages.PackageService;

/** {@code /packages}: granting lessons and reading a package with its ledger. */
final class PackageRoutes {

  private PackageRoutes() {
  }

  static void mount(Endpoints api, PackageService packages) {
    api.post("/packages", call -> packages.create(call.caller(), PackageBodies.newPackage(call.body()))
      .map(granted -> Reply.created(PackageJson.lessonPackage(granted))));
    api.get("/packages", call -> packages.list(call.caller(), call.query("student_id"), call.query("teacher_id"), call.page())
      .map(list -> Reply.ok(new JsonArray(list.stream().map(PackageJson::lessonPackage).toList()))));
    api.get("/packages/:package_id", call -> packages.get(call.caller(), call.pathUuid("package_id"))
      .map(found -> Reply.ok(PackageJson.lessonPackage(found))));
  }
}
