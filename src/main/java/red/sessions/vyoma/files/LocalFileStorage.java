package red.sessions.vyoma.files;

import io.vertx.core.Future;
import io.vertx.core.file.CopyOptions;
import io.vertx.core.file.FileSystem;
import red.sessions.vyoma.bus.DomainException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The embedded default: objects under {@code <data_dir>/files}, uploaded to this server's own signed
 * URLs (checked by {@link LocalUploads}, which the HTTP front mounts) and streamed back from disk, to a reader
 * with a token or with a signed URL of its own ({@link #signGet}).
 */
final class LocalFileStorage implements FileStorage {

  private final FileSystem fileSystem;
  private final Path root;
  private final String baseUrl;
  private final String downloadsUrl;
  private final UploadSigner signer;

  LocalFileStorage(FileSystem fileSystem, Path dataDir, String baseUrl, UploadSigner signer) {
    this.fileSystem = fileSystem;
    this.root = rootUnder(dataDir);
    this.baseUrl = baseUrl;
    this.downloadsUrl = URI.create(baseUrl).resolve("../downloads/").toString();
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

  /** Copied under the incoming directory first and moved into place in one step, as an upload is. */
  @Override
  public Future<Void> put(String key, Path file, String contentType) {
    Path target = pathOf(root, key);
    String incoming = root.resolve(".incoming").resolve(UUID.randomUUID().toString()).toString();
    return fileSystem.mkdirs(root.resolve(".incoming").toString())
      .compose(v -> fileSystem.mkdirs(target.getParent().toString()))
      .compose(v -> fileSystem.copy(file.toString(), incoming))
      .compose(v -> fileSystem.move(incoming, target.toString(),
        new CopyOptions().setReplaceExisting(true).setAtomicMove(true)))
      .eventually(() -> fileSystem.delete(incoming).recover(gone -> Future.succeededFuture()));
  }

  /** Opening a file on disk takes no time worth a worker of its own: this runs on the files worker verticle. */
  @Override
  public Future<Optional<InputStream>> open(String key) {
    try {
      return Future.succeededFuture(Optional.of(Files.newInputStream(pathOf(root, key))));
    } catch (NoSuchFileException e) {
      return Future.succeededFuture(Optional.empty());
    } catch (IOException e) {
      return Future.failedFuture(new UncheckedIOException(e));
    }
  }

  /**
   * The server's {@code /downloads/<key>}, beside {@code storage.base_url}'s {@code /files/}, with what it is sent as
   * signed in ({@link LocalUploads#signedRead}).
   */
  @Override
  public String signGet(String key, String contentType, String fileName, Duration validFor) {
    long expiry = Instant.now().plus(validFor).getEpochSecond();
    return downloadsUrl + key + "?expires=" + expiry + "&type=" + URLEncoder.encode(contentType, StandardCharsets.UTF_8)
      + "&name=" + URLEncoder.encode(fileName, StandardCharsets.UTF_8)
      + "&signature=" + signer.signGet(key, contentType, fileName, expiry);
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
