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
}
