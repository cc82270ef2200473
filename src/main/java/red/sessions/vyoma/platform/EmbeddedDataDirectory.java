package red.sessions.vyoma.platform;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The embedded PostgreSQL's data directory, which one server at a time may run. The embedded server holds a
 * lock on its {@code epg-lock} file while it runs and fails with no more than "could not lock" when another
 * holds it; this asks first, so that the second server says which one is in the way.
 */
final class EmbeddedDataDirectory {

  /** The file the embedded PostgreSQL locks (zonky's {@code EmbeddedPostgres}). */
  private static final String LOCK_FILE = "epg-lock";
  /** PostgreSQL's own record of its running server: the process id on line 1, the port on line 4. */
  private static final String POSTMASTER_PID = "postmaster.pid";

  private EmbeddedDataDirectory() {
  }

  /**
   * Fails, naming the server that holds it, when another process (or this one) runs an embedded PostgreSQL
   * in {@code directory}, the embedded database's place in {@code dataDir}. The lock is let go at once for
   * the embedded server to take; a second server starting in the same instant still fails there, only with
   * a terser message.
   */
  static void requireUnused(Path dataDir, Path directory) throws IOException {
    // Never created here: initdb wants an empty directory, and a directory without the file has no server.
    try (FileChannel channel = FileChannel.open(directory.resolve(LOCK_FILE), StandardOpenOption.WRITE)) {
      FileLock free = channel.tryLock();
      if (free != null) {
        free.release();
        return;
      }
    } catch (NoSuchFileException neverRun) {
      return;
    } catch (OverlappingFileLockException heldByThisProcess) {
      // answered below, as for another process
    }
    throw new IllegalStateException("another Vyoma 1:1 server is using the data directory " + dataDir
      + running(directory) + "; stop it, or give this server a data directory of its own (data_dir, VYOMA_DATA_DIR)");
  }

  /** What PostgreSQL's record says about the server that runs there, when it says it. */
  private static String running(Path directory) {
    try {
      List<String> lines = Files.readAllLines(directory.resolve(POSTMASTER_PID));
      if (lines.size() >= 4) {
        return " (its embedded PostgreSQL runs as process " + lines.get(0).strip() + " on port " + lines.get(3).strip() + ")";
      }
    } catch (IOException unreadable) {
      // the lock alone says the directory is in use
    }
    return "";
  }
}
