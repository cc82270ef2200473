package red.sessions.vyoma.files;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.CopyOptions;
import io.vertx.core.file.FileSystem;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;

import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;

/**
 * The local store's upload endpoint: {@code PUT /files/<key>?expires=…&signature=…}. As with S3's
 * pre-signed URLs the signature is the credential; the body is streamed to a temporary file and moved
 * into place only once complete and within {@code storage.max_upload_bytes}, so a refused or broken
 * upload stores nothing.
 */
public final class LocalUploadHandler implements Handler<RoutingContext> {

  private final Path root;
  private final UploadSigner signer;
  private final long maxBytes;

  public LocalUploadHandler(Path root, UploadSigner signer, long maxBytes) {
    this.root = root;
    this.signer = signer;
    this.maxBytes = maxBytes;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    request.pause();
    String key = ctx.pathParam("key");
    String contentType = request.getHeader("Content-Type");
    if (contentType == null || !signed(key, contentType, request.getParam("expires"), request.getParam("signature"))) {
      ctx.fail(new HttpException(403, "the upload URL is not valid for this request: wrong signature or content type, or expired"));
      return;
    }
    String length = request.getHeader("Content-Length");
    if (length != null && length.chars().allMatch(Character::isDigit) && !length.isEmpty() && Long.parseLong(length) > maxBytes) {
      tooLarge(ctx);
      return;
    }
    Path target = LocalFileStorage.pathOf(root, key);
    FileSystem fileSystem = ctx.vertx().fileSystem();
    String incoming = root.resolve(".incoming").resolve(UUID.randomUUID().toString()).toString();
    fileSystem.mkdirs(root.resolve(".incoming").toString())
      .compose(v -> fileSystem.mkdirs(target.getParent().toString()))
      .compose(v -> fileSystem.open(incoming, new OpenOptions().setWrite(true).setCreateNew(true)))
      .onSuccess(file -> receive(ctx, file, incoming, target))
      .onFailure(ctx::fail);
  }

  private boolean signed(String key, String contentType, String expires, String signature) {
    try {
      long expiry = Long.parseLong(expires);
      return expiry >= Instant.now().getEpochSecond() && signer.verify(key, contentType, expiry, signature);
    } catch (NumberFormatException e) {
      return false;
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
      if (received[0] > maxBytes) {
        refused[0] = true;
        discard(file, fileSystem, incoming).onComplete(v -> tooLarge(ctx));
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
      file.close()
        .compose(closed -> fileSystem.move(incoming, target.toString(), new CopyOptions().setReplaceExisting(true)))
        .onSuccess(moved -> ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json; charset=utf-8")
          .end(new JsonObject().put("message", "File uploaded successfully").put("size", received[0]).encode()))
        .onFailure(e -> discard(file, fileSystem, incoming).onComplete(ignored -> ctx.fail(e)));
    });
    request.resume();
  }

  private static Future<Void> discard(AsyncFile file, FileSystem fileSystem, String incoming) {
    return file.close().eventually(() -> fileSystem.delete(incoming)).recover(e -> Future.succeededFuture());
  }

  private void tooLarge(RoutingContext ctx) {
    ctx.response().putHeader("Connection", "close");
    ctx.fail(new HttpException(413, "the file is larger than " + maxBytes + " bytes"));
  }
}
