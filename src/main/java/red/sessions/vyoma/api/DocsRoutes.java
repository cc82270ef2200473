package red.sessions.vyoma.api;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The interactive API reference at {@code /docs}: Swagger UI from its webjar (so it works offline)
 * pointed at {@code /openapi.yaml}. Open, like the OpenAPI file itself.
 */
final class DocsRoutes {

  private DocsRoutes() {
  }

  /**
   * @param swaggerUiVersion the version of the Swagger UI webjar, whose files live under a folder named by it
   */
  static void mount(Router router, String swaggerUiVersion) {
    router.get("/docs").handler(ctx -> ctx.reroute("/docs/index.html"));
    router.route("/docs/assets/*").handler(StaticHandler.create("META-INF/resources/webjars/swagger-ui/" + swaggerUiVersion));
    router.route("/docs/*").handler(StaticHandler.create("docs"));
  }
}
