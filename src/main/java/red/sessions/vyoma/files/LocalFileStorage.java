package red.sessions.vyoma.files;

import io.vertx.core.Future;
import io.vertx.core.file.FileSystem;
import red.sessions.vyoma.bus.DomainException;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The embedded default: objects under {@code <data_dir>/files}, uploaded to this server's own signed
 * URLs (checked by {@link LocalUploads}, which the HTTP front mounts) and streamed back from disk.
 */
final class LocalFileStorage implements FileStorage {

  private final FileSystem fileSystem;
  private final Path root;
  private final String baseUrl;
  private final UploadSigner signer;

  LocalFileStorage(FileSystem fileSystem, Path dataDir, String baseUrl, UploadSigner signer) {
    this.fileSystem = fileSystem;
    this.root = rootUnder(dataDir);
    this.baseUrl = baseUrl;
    this.signer = signer;
  }

  @Override
  public SignedPut signPut(String key, String contentType, Duration validFor) {
    long expiry = Instant.now().plus(validFor).getEpochSecond();
    return new SignedPut(baseUrl + key + "?expires=" + expiry + "&signature=" + signer.sign(key, contentType, expiry),
      Map.of("Content-Type", contentType));
  }

  /** An upload is moved into place only once complete ({@link LocalUploads#incoming}), so a file there is whole. */
  @Override
  public Future<Boolean> exists(String key) {
    return fileSystem.exists(pathOf(root, key).toString());
  }

  @Override
  public Future<FileRead> read(String key, String contentType, String fileName) {
    return exists(key).map(exists -> {
      if (!exists) {
        throw DomainException.notFound("the file has not been uploaded yet");
      }
      return new FileRead.Stored(pathOf(root, key), contentType, fileName);
    });
  }

  /** Where the store of a data directory keeps its objects. */
  static Path rootUnder(Path dataDir) {
    return dataDir.resolve("files").toAbsolutePath().normalize();
  }

  @Override
  public Future<Void> delete(String key) {
    String path = pathOf(root, key).toString();
    return fileSystem.exists(path).compose(there -> there ? fileSystem.delete(path) : Future.succeededFuture());
  }

  /** Where a key's bytes live, refusing any key that would climb out of the root. */
  static Path pathOf(Path root, String key) {
    Path path = root.resolve(key).normalize();
    if (!path.startsWith(root)) {
      throw DomainException.invalid("not a file key");
    }
    return path;
  }
}
