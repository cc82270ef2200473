package red.sessions.vyoma.api;

import io.netty.handler.codec.http.HttpHeaderValues;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.FileSystem;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import red.sessions.vyoma.files.LocalUploads;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The local store's upload endpoint, {@code PUT /files/<key>?expires=…&signature=…}: the HTTP side of
 * {@link LocalUploads}, which says whether the URL is good and where the bytes go. The body is streamed to a
 * file of its own under the store's incoming directory and linked into place once complete; a body over the
 * limit is 413 as soon as it is, however it is sent. A client that sends {@code Expect: 100-continue} is told
 * to go on only once the URL, the declared length and the key's being unused are checked; otherwise it gets
 * the refusal at once.
 */
final class LocalUploadHandler implements Handler<RoutingContext> {

  private final LocalUploads uploads;

  LocalUploadHandler(LocalUploads uploads) {
    this.uploads = uploads;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    request.pause();
    Path target = uploads.target(ctx.pathParam("key"), request.getHeader("Content-Type"),
      request.getParam("expires"), request.getParam("signature"));
    FileSystem fileSystem = ctx.vertx().fileSystem();
    String incoming = uploads.incoming().resolve(UUID.randomUUID().toString()).toString();
    fileSystem.exists(target.toString())
      .compose(used -> {
        if (used) {
          throw LocalUploads.used();
        }
        if (declaredLength(request) > uploads.maxBytes()) {
          throw tooLarge();
        }
        if (request.version() != HttpVersion.HTTP_1_0
          && HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
          request.response().writeContinue();
        }
        return fileSystem.mkdirs(uploads.incoming().toString());
      })
      .compose(v -> fileSystem.mkdirs(target.getParent().toString()))
      .compose(v -> fileSystem.open(incoming, new OpenOptions().setWrite(true).setCreateNew(true)))
      .onSuccess(file -> receive(ctx, file, incoming, target))
      .onFailure(ctx::fail);
  }

  /** The request's {@code Content-Length}; -1 when it has none (a chunked body) or one that is not a number. */
  private static long declaredLength(HttpServerRequest request) {
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length == null || length.isEmpty() || !length.chars().allMatch(Character::isDigit)) {
      return -1;
    }
    try {
      return Long.parseLong(length);
    } catch (NumberFormatException tooLong) {
      return Long.MAX_VALUE;
    }
  }

  private void receive(RoutingContext ctx, AsyncFile file, String incoming, Path target) {
    HttpServerRequest request = ctx.request();
    FileSystem fileSystem = ctx.vertx().fileSystem();
    long[] received = {0};
    boolean[] refused = {false};
    request.handler(chunk -> {
      if (refused[0]) {
        return;
      }
      received[0] += chunk.length();
      if (received[0] > uploads.maxBytes()) {
        refused[0] = true;
        discard(file, fileSystem, incoming).onComplete(v -> ctx.fail(tooLarge()));
        return;
      }
      file.write(chunk);
      if (file.writeQueueFull()) {
        request.pause();
        file.drainHandler(v -> request.resume());
      }
    });
    request.exceptionHandler(e -> {
      refused[0] = true;
      discard(file, fileSystem, incoming);
    });
    request.endHandler(v -> {
      if (refused[0]) {
        return;
      }
      // A hard link is created only where no file is: of two complete uploads to one URL exactly one lands.
      file.close()
        .compose(closed -> fileSystem.link(target.toString(), incoming))
        .eventually(() -> fileSystem.delete(incoming))
        .onSuccess(linked -> ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json; charset=utf-8")
          .end(new JsonObject().put("message", "File uploaded successfully").put("size", received[0]).encode()))
        .onFailure(e -> ctx.fail(e.getCause() instanceof FileAlreadyExistsException ? LocalUploads.used() : e));
    });
    request.resume();
  }

  private static Future<Void> discard(AsyncFile file, FileSystem fileSystem, String incoming) {
    return file.close().eventually(() -> fileSystem.delete(incoming)).recover(e -> Future.succeededFuture());
  }

  private HttpException tooLarge() {
    return new HttpException(413, "the file is larger than " + uploads.maxBytes() + " bytes");
  }
}
