package red.sessions.vyoma.files;

import io.vertx.core.Future;
import red.sessions.vyoma.auth.Caller;

import java.util.List;

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

  /** For erasures/: deletes every file issued to the user, from the store and here (sessions/ has unshared them). */
  Future<Void> erase(String userId);

  /**
   * For the retention sweep ({@link UnsharedFiles}): deletes a file no session shares, when {@code expired}
   * (kept unshared past {@code storage.unshared_retention_days}) or when its upload never landed.
   */
  Future<Void> retire(String key, boolean expired);
}
