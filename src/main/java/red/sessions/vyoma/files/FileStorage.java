package red.sessions.vyoma.files;

import io.vertx.core.Future;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Where uploaded files live: S3 (or an S3-compatible store) in production, the data directory by
 * default. Clients upload straight to the store with a pre-signed PUT and read through this server.
 */
interface FileStorage {

  /**
   * A URL that accepts one HTTP PUT of the object with exactly this content type for {@code validFor}, and
   * the headers the PUT must carry.
   */
  SignedPut signPut(String key, String contentType, Duration validFor);

  /** Whether an object has been uploaded to the key (completely: neither store shows one in flight). */
  Future<Boolean> exists(String key);

  /**
   * Stores the bytes of a local file as the object of the key, replacing any, streamed from the file (never held
   * in memory); readers see the whole object or none.
   */
  Future<Void> put(String key, Path file, String contentType);

  /**
   * The object's bytes as a stream, to be read (and closed) on a worker thread: the store's bytes as they come,
   * never the whole object in memory; empty when the key holds none.
   */
  Future<Optional<InputStream>> open(String key);

  /**
   * A URL that reads the object, with no other credential, for {@code validFor}: S3's pre-signed GET, the local
   * store's signed one; it is sent with this content type and as an attachment of this name.
   */
  String signGet(String key, String contentType, String fileName, Duration validFor);

  /** How a permitted read is served: from the local store, or from a short-lived signed GET. */
  Future<FileRead> read(String key, String contentType, String fileName);

  /** A pre-signed PUT: its URL and the headers (name to value) a client must send with it. */
  record SignedPut(String url, Map<String, String> headers) {
  }

  /** Deletes the object at the key, if there is one: deleting what is not there succeeds. */
  Future<Void> delete(String key);
}
