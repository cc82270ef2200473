package red.sessions.vyoma.files;

import io.vertx.core.Future;
import red.sessions.vyoma.auth.Caller;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The files domain, served on the event bus at {@link #ADDRESS}. */
public interface FileService {

  String ADDRESS = "vyoma.files";

  /** A short-lived URL through which the caller uploads one file of an allowed content type. */
  Future<UploadGrant> presign(Caller caller, String fileName, String contentType);

  /**
   * Succeeds when the caller may share these files in a session: each key names a file issued to the caller
   * through {@link #presign} (otherwise invalid) whose upload has landed in the store (otherwise a conflict,
   * naming the first file still missing).
   */
  Future<Void> requireShareable(Caller caller, List<String> keys);

  /** How the caller reads the file: only its uploader and the parties of sessions it was shared in may. */
  Future<FileRead> read(Caller caller, String key);

  /**
   * The files issued to the user for upload (uploaded or not), in the order they were issued, after {@code after}
   * (null: from the first), at most {@code limit}: for the user's export, which no route reaches but through
   * exports/.
   */
  Future<List<UploadedFile>> uploadedBy(String userId, UploadedFile after, int limit);

  /** The bytes of a file as the store holds them, to read on a worker thread; empty when none was uploaded. */
  Future<Optional<InputStream>> open(String key);

  /** Stores the built ZIP of a user's export (a local file) in the store; answers its key there. */
  Future<String> putExport(String userId, UUID exportId, Path zip);

  /** A URL that downloads the stored export, with no other credential, for {@code validFor}. */
  Future<String> exportUrl(String key, String fileName, Duration validFor);

  /** Deletes a stored export; one already gone changes nothing. */
  Future<Void> deleteExport(String key);

  /** For erasures/: deletes every file issued to the user, from the store and here (sessions/ has unshared them). */
  Future<Void> erase(String userId);

  /**
   * For the retention sweep ({@link UnsharedFiles}): deletes a file no session shares, when {@code expired}
   * (kept unshared past {@code storage.unshared_retention_days}) or when its upload never landed.
   */
  Future<Void> retire(String key, boolean expired);
}
