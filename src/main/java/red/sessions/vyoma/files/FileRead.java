package red.sessions.vyoma.files;

/** How a permitted read is served: from a short-lived signed URL of the store, or from this node's own store. */
public sealed interface FileRead {

  /** Read it at this short-lived signed URL (S3). */
  record Redirect(String url) implements FileRead {
  }

  /** Read it from the local store under this key ({@link FilesVerticle#localFile}). */
  record Stored(String key, String contentType, String fileName) implements FileRead {
  }
}
