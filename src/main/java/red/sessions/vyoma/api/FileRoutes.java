package red.sessions.vyoma.api;

import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.files.FileRead;
import red.sessions.vyoma.files.FileService;
import red.sessions.vyoma.kernel.Times;

import java.time.ZoneOffset;
import java.util.Map;

/**
 * {@code /presigned-url} and reads of {@code /files/{key}}: an S3 file is a redirect to a short-lived signed
 * GET; a file of the local store is sent from this node's disk, with the type it was uploaded as.
 */
final class FileRoutes {

  static final String FILE_PATH = "/files/(?<key>.+)";
  /** The file routes' template, in metrics and the access log (the regex is not one). */
  static final String FILE_ROUTE = "/files/:key";

  private FileRoutes() {
  }

  static void mount(Endpoints api, FileService files) {
    api.post("/presigned-url", call -> files.presign(call.caller(),
        JsonFields.requiredString(call.body(), "file_name", "file_name"),
        JsonFields.requiredString(call.body(), "content_type", "content_type"))
      .map(grant -> Reply.ok(new JsonObject()
        .put("upload_url", grant.uploadUrl())
        .put("file_url", grant.fileUrl())
        .put("method", "PUT")
        .put("headers", new JsonObject(Map.copyOf(grant.headers())))
        .put("expires_at", Times.format(grant.expiresAt().atOffset(ZoneOffset.UTC))))));
    api.getMatching(FILE_PATH, FILE_ROUTE, call -> files.read(call.caller(), call.path("key"))
      .map(FileRoutes::reply));
  }

  private static Reply reply(FileRead read) {
    if (read instanceof FileRead.Redirect redirect) {
      return Reply.redirect(redirect.url());
    }
    FileRead.Stored stored = (FileRead.Stored) read;
    return Reply.file(stored.file().toString())
      .header("Content-Type", stored.contentType())
      .header("Content-Disposition", "inline; filename=\"" + stored.fileName() + "\"")
      .header("X-Content-Type-Options", "nosniff");
  }
}
