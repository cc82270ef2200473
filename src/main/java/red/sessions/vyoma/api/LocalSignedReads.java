package red.sessions.vyoma.api;

import io.vertx.ext.web.RoutingContext;
import red.sessions.vyoma.files.LocalUploads;

import java.nio.file.Path;

/**
 * The local store's signed reads, {@code GET /downloads/<key>?expires=…&type=…&name=…&signature=…}: the HTTP side of
 * {@link LocalUploads#signedRead}, as S3 serves its pre-signed GETs. The file is sent from disk as it is, with the
 * signed type, as an attachment of the signed name.
 */
final class LocalSignedReads {

  static final String PATH = "/downloads/(?<key>.+)";
  /** The route's template, in metrics and the access log (the regex is not one). */
  static final String ROUTE = "/downloads/:key";

  private LocalSignedReads() {
  }

  static void serve(RoutingContext ctx, LocalUploads uploads) {
    String type = ctx.request().getParam("type");
    String name = ctx.request().getParam("name");
    Path file = uploads.signedRead(ctx.pathParam("key"), type, name, ctx.request().getParam("expires"),
      ctx.request().getParam("signature"));
    ctx.vertx().fileSystem().exists(file.toString())
      .onSuccess(exists -> {
        if (!exists) {
          ctx.fail(404);
          return;
        }
        ctx.response()
          .putHeader("Content-Type", type)
          .putHeader("Content-Disposition", "attachment; filename=\"" + name + "\"")
          .putHeader("X-Content-Type-Options", "nosniff")
          .sendFile(file.toString())
          .onFailure(ctx::fail);
      })
      .onFailure(ctx::fail);
  }
}
