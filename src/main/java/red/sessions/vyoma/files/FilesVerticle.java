package red.sessions.vyoma.files;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.bus.ApiReply;
import red.sessions.vyoma.bus.ApiRequest;
import red.sessions.vyoma.bus.RequestVerticle;
import red.sessions.vyoma.bus.JsonFields;
import red.sessions.vyoma.bus.Times;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Files: signed upload URLs for keys the server chooses ({@code uploads/<user>/<uuid>/<safe name>}), for
 * allowed content types only, expiring quickly; and reads, allowed to the uploader and to the parties of
 * every session the file was shared in.
 */
public final class FilesVerticle extends RequestVerticle {

  /** Longer names are refused; shorter ones are cut to {@link FileNames#MAX_NAME} by sanitising. */
  static final int MAX_CLIENT_FILE_NAME = 1024;

  private final Pool pool;
  private final JsonObject config;
  private final Path dataDir;
  private final UploadSigner signer;
  private FileStore store;
  private FileStorage storage;
  private Set<String> allowedTypes;

  public FilesVerticle(Pool pool, JsonObject storageConfig, Path dataDir, UploadSigner signer) {
    super(FilesApi.ADDRESS, Map.of());
    this.pool = pool;
    this.config = storageConfig;
    this.dataDir = dataDir;
    this.signer = signer;
  }

  @Override
  public Future<?> start() {
    store = new FileStore(pool);
    allowedTypes = config.getJsonArray("allowed_content_types").stream()
      .map(type -> String.valueOf(type).toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    storage = switch (config.getString("provider")) {
      case "s3" -> new S3FileStorage(config);
      case "local" -> new LocalFileStorage(vertx.fileSystem(), localRoot(dataDir), config.getString("base_url"), signer);
      default -> throw new IllegalArgumentException("storage.provider must be s3 or local");
    };
    return super.start();
  }

  @Override
  public Future<?> stop() {
    return super.stop().eventually(() -> {
      if (storage instanceof S3FileStorage s3) {
        s3.close();
      }
      return Future.succeededFuture();
    });
  }

  /** Where the local store keeps its objects. */
  public static Path localRoot(Path dataDir) {
    return dataDir.resolve("files").toAbsolutePath().normalize();
  }

  @Override
  protected Map<String, Function<ApiRequest, Future<ApiReply>>> actions() {
    return Map.of(
      FilesApi.PRESIGN, this::presign,
      FilesApi.READ, this::read);
  }

  private Future<ApiReply> presign(ApiRequest request) {
    JsonObject body = request.requiredBody();
    String fileName = FileNames.sanitize(JsonFields.bounded(
      JsonFields.requiredString(body, "file_name", "file_name"), "file_name", 1, MAX_CLIENT_FILE_NAME));
    String contentType = JsonFields.requiredString(body, "content_type", "content_type").strip().toLowerCase(Locale.ROOT);
    if (!allowedTypes.contains(contentType)) {
      throw DomainException.invalid("content_type " + contentType + " is not accepted; allowed: " + allowedTypes);
    }
    String owner = request.caller().userId();
    String key = "uploads/" + FileNames.segment(owner) + "/" + UUID.randomUUID() + "/" + fileName;
    Duration validFor = Duration.ofSeconds(config.getLong("upload_expiry_seconds"));
    Instant expires = Instant.now().plus(validFor);
    String uploadUrl = storage.uploadUrl(key, contentType, validFor);
    return store.issue(key, owner, fileName, contentType).map(v -> ApiReply.ok(new JsonObject()
      .put("upload_url", uploadUrl)
      .put("file_url", config.getString("base_url") + key)
      .put("method", "PUT")
      .put("headers", new JsonObject().put("Content-Type", contentType))
      .put("expires_at", Times.format(expires.atOffset(ZoneOffset.UTC)))));
  }

  private Future<ApiReply> read(ApiRequest request) {
    String key = request.path().getString("key");
    return store.find(key, request.caller()).compose(found -> {
      FileStore.Issued file = found.orElseThrow(() -> DomainException.notFound("no file " + key));
      if (!file.readable()) {
        throw DomainException.forbidden("only the uploader and the parties of sessions it was shared in may read this file");
      }
      return storage.read(key, file.contentType(), file.fileName());
    });
  }
}
