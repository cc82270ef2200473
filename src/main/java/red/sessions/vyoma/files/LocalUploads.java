package red.sessions.vyoma.files;

import red.sessions.vyoma.bus.DomainException;

import java.nio.file.Path;
import java.time.Instant;

/**
 * The local store's rules for an upload to one of its signed URLs ({@code PUT /files/<key>?expires=…&signature=…}),
 * for the HTTP front that receives the bytes, and for a signed read ({@link #signedRead}). As with S3's pre-signed URLs the signature is the credential. The
 * bytes are written under {@link #incoming()} and moved into place only once complete and within
 * {@link #maxBytes()}, so a refused or broken upload stores nothing. A URL is good for one file: the first
 * complete upload wins and later ones are {@link #used()}, so a file shared in a session cannot be replaced
 * behind the other party's back.
 */
public final class LocalUploads {

  private final Path root;
  private final UploadSigner signer;
  private final long maxBytes;

  /**
   * @param dataDir the data directory whose store the uploads go to
   * @param maxBytes the largest file taken ({@code storage.max_upload_bytes})
   */
  public LocalUploads(Path dataDir, UploadSigner signer, long maxBytes) {
    this.root = LocalFileStorage.rootUnder(dataDir);
    this.signer = signer;
    this.maxBytes = maxBytes;
  }

  /**
   * Where the bytes of an upload go: the file of its key, once the URL is found to be this server's for exactly
   * the key, the content type and the expiry, and not expired.
   *
   * @param contentType the request's {@code Content-Type}, or {@code null} when it has none
   * @param expires the URL's {@code expires} (Unix seconds), as sent
   * @param signature the URL's {@code signature}, as sent
   * @throws DomainException forbidden for any other request, whatever is wrong with it
   */
  public Path target(String key, String contentType, String expires, String signature) {
    if (contentType == null || !signed(key, contentType, expires, signature)) {
      throw DomainException.forbidden(
        "the upload URL is not valid for this request: wrong signature or content type, or expired");
    }
    return LocalFileStorage.pathOf(root, key);
  }

  private boolean signed(String key, String contentType, String expires, String signature) {
    return unexpired(expires) && signer.verify(key, contentType, Long.parseLong(expires), signature);
  }

  /**
   * The file a signed read of the store ({@code GET /downloads/<key>?expires=…&type=…&name=…&signature=…}, made by
   * {@link LocalFileStorage#signGet}) reads, once the URL is found to be this server's for exactly these values,
   * and not expired; as with S3's, the signature is the credential.
   *
   * @throws DomainException forbidden for any other request, whatever is wrong with it
   */
  public Path signedRead(String key, String contentType, String fileName, String expires, String signature) {
    if (contentType == null || fileName == null || !unexpired(expires)
      || !signer.verifyGet(key, contentType, fileName, Long.parseLong(expires), signature)) {
      throw DomainException.forbidden("the download URL is not valid: wrong signature, or expired");
    }
    return LocalFileStorage.pathOf(root, key);
  }

  private static boolean unexpired(String expires) {
    try {
      return Long.parseLong(expires) >= Instant.now().getEpochSecond();
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** Where uploads are written while they arrive, each to a file of its own; none of it is the store's yet. */
  public Path incoming() {
    return root.resolve(".incoming");
  }

  /** The largest file the store takes, in bytes. */
  public long maxBytes() {
    return maxBytes;
  }

  /** The answer to an upload to a URL a file has already been uploaded to. */
  public static DomainException used() {
    return DomainException.conflict(
      "this upload URL has been used: a file was uploaded to it; ask POST /presigned-url for another");
  }
}
