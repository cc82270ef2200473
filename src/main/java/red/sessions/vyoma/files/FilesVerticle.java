package red.sessions.vyoma.files;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.bus.DomainVerticle;
import red.sessions.vyoma.bus.Echo;
import red.sessions.vyoma.kernel.Text;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Files: signed upload URLs for keys the server chooses ({@code uploads/<user>/<uuid>/<safe name>}), for
 * allowed content types only, expiring quickly; and reads, allowed to the uploader and to the parties of
 * every session the file was shared in.
 */
public final class FilesVerticle extends DomainVerticle<FileService> implements FileService {

  /** Longer names are refused; shorter ones are cut to {@link FileNames#MAX_NAME} by sanitising. */
  static final int MAX_CLIENT_FILE_NAME = 1024;
  /** Where exports are kept in the store: apart from uploads, whose keys a client's URL may name. */
  private static final String EXPORTS = "exports/";
  private static final String ZIP = "application/zip";

  private final Pool pool;
  private final JsonObject config;
  private final Path dataDir;
  private final UploadSigner signer;
  private FileStore store;
  private FileStorage storage;
  private Set<String> allowedTypes;

  public FilesVerticle(Pool pool, JsonObject storageConfig, Path dataDir, UploadSigner signer) {
    super(ADDRESS, FileService.class, Map.of());
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
      case "s3" -> new S3FileStorage(context, config);
      case "local" -> new LocalFileStorage(vertx.fileSystem(), dataDir, config.getString("base_url"), signer);
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

  @Override
  public Future<UploadGrant> presign(Caller caller, String fileName, String contentType) {
    String safeName = FileNames.sanitize(Text.bounded(fileName, "file_name", 1, MAX_CLIENT_FILE_NAME));
    String type = contentType.strip().toLowerCase(Locale.ROOT);
    if (!allowedTypes.contains(type)) {
      throw DomainException.invalid("content_type " + Echo.of(type) + " is not accepted; allowed: " + allowedTypes);
    }
    String owner = caller.userId();
    String key = "uploads/" + FileNames.segment(owner) + "/" + UUID.randomUUID() + "/" + safeName;
    Duration validFor = Duration.ofSeconds(config.getLong("upload_expiry_seconds"));
    Instant expires = Instant.now().plus(validFor);
    FileStorage.SignedPut put = storage.signPut(key, type, validFor);
    return store.issue(key, owner, safeName, type)
      .map(v -> new UploadGrant(put.url(), config.getString("base_url") + key, put.headers(), expires));
  }

  @Override
  public Future<Void> requireShareable(Caller caller, List<String> keys) {
    String[] distinct = keys.stream().distinct().toArray(String[]::new);
    return store.owned(distinct, caller.userId()).compose(owned -> {
      if (owned != distinct.length) {
        throw DomainException.invalid("files[].url must be a file issued to you for upload");
      }
      List<Future<Boolean>> uploaded = Arrays.stream(distinct).map(storage::exists).toList();
      return Future.all(uploaded).map(checked -> {
        for (int i = 0; i < distinct.length; i++) {
          if (!uploaded.get(i).result()) {
            throw DomainException.conflict("the file " + Echo.of(distinct[i])
              + " has not been uploaded yet; only an uploaded file is shared");
          }
        }
        return null;
      });
    });
  }

  @Override
  public Future<FileRead> read(Caller caller, String key) {
    return store.find(key, caller).compose(found -> {
      FileStore.Issued file = found.orElseThrow(() -> DomainException.notFound("no file " + Echo.of(key)));
      if (!file.readable()) {
        throw DomainException.forbidden("only the uploader and the parties of sessions it was shared in may read this file");
      }
      return storage.read(key, file.contentType(), file.fileName());
    });
  }

  @Override
  public Future<List<UploadedFile>> uploadedBy(String userId, UploadedFile after, int limit) {
    return store.uploadedBy(userId, after, limit);
  }

  @Override
  public Future<Optional<InputStream>> open(String key) {
    return storage.open(key);
  }

  @Override
  public Future<String> putExport(String userId, UUID exportId, Path zip) {
    String key = EXPORTS + FileNames.segment(userId) + "/" + exportId + ".zip";
    return storage.put(key, zip, ZIP).map(key);
  }

  @Override
  public Future<String> exportUrl(String key, String fileName, Duration validFor) {
    return Future.succeededFuture(storage.signGet(exportKey(key), ZIP, FileNames.sanitize(fileName), validFor));
  }

  @Override
  public Future<Void> deleteExport(String key) {
    return storage.delete(exportKey(key));
  }

  /** Only exports are signed for download or deleted by these calls, whatever key reaches them. */
  private static String exportKey(String key) {
    if (!key.startsWith(EXPORTS)) {
      throw DomainException.invalid("not the key of an export");
    }
    return key;
  }

  @Override
  public Future<Void> erase(String userId) {
    return store.discardOwned(userId, keys -> Future.all(keys.stream().map(storage::delete).toList()))
      .compose(gone -> gone < FileStore.ERASE_BATCH ? Future.succeededFuture() : erase(userId));
  }

  @Override
  public Future<Void> retire(String key, boolean expired) {
    Future<Boolean> keep = expired ? Future.succeededFuture(false) : storage.exists(key);
    return keep.compose(uploaded -> uploaded ? Future.succeededFuture() : store.discardUnshared(key, storage::delete));
  }
}
