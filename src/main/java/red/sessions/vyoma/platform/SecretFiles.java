package red.sessions.vyoma.platform;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Supplier;

/** Secrets kept in the data directory: created once, readable by the owner only. Blocking I/O. */
public final class SecretFiles {

  private SecretFiles() {
  }

  /**
   * The file's content, writing {@code create}'s first if the file does not exist yet. Two processes
   * starting at once on one data directory end up with the same secret: the second keeps the first's.
   */
  public static String readOrCreate(Path file, Supplier<String> create) throws IOException {
    if (!Files.exists(file)) {
      Files.createDirectories(file.getParent());
      Path temporary = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(temporary, create.get(), StandardCharsets.US_ASCII);
      try {
        // Without REPLACE_EXISTING the move fails if another process created the file first; keep theirs.
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException createdByAnotherProcess) {
        Files.deleteIfExists(temporary);
      }
    }
    return Files.readString(file, StandardCharsets.US_ASCII);
  }
}
