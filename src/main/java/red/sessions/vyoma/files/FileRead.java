package red.sessions.vyoma.files;

import java.nio.file.Path;

/** How a permitted read is served: from a short-lived signed URL of the store, or from this node's own store. */
public sealed interface FileRead {

  /** Read it at this short-lived signed URL (S3). */
  record Redirect(String url) implements FileRead {
  }

  /** Read it from this node's disk: the local store's file of the key. */
  record Stored(Path file, String contentType, String fileName) implements FileRead {
  }
}
