package red.sessions.vyoma.sessions;

import red.sessions.vyoma.bus.DomainException;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * What a party adds to a session: a status to move to and notes and files to add, at least one of them. Each note
 * and file has an id: the client's own {@code id} when it sends one, otherwise one derived from its
 * author and content, so a retried PUT names the same rows and adds nothing twice.
 */
public record SessionUpdate(SessionStatus status, List<Note> notes, List<SharedFile> files) {

  public static final int MAX_NOTES = 100;
  public static final int MAX_FILES = 20;
  public static final int MAX_TEXT = 10_000;
  public static final int MAX_FILE_NAME = 255;
  public static final int MAX_URL = 2048;

  /** A note to add; {@code clientId} is the client's own id for it, or {@code null}. */
  public record Note(UUID clientId, String text, OffsetDateTime timestamp) {

    UUID id(String authorId) {
      return clientId != null ? clientId : derivedId("note", authorId, timestamp, text);
    }
  }

  /** A file to share, by its URL as the client has it; {@code clientId} is the client's own id for it, or {@code null}. */
  public record SharedFile(UUID clientId, String name, String url, OffsetDateTime timestamp) {

    UUID id(String authorId) {
      return clientId != null ? clientId : derivedId("file", authorId, timestamp, name + "\n" + url);
    }

    /** The key of the issued file the URL names; a URL outside the storage is invalid. */
    String key(String storageBaseUrl) {
      if (!isUnder(url, storageBaseUrl)) {
        throw DomainException.invalid("files[].url must be a file URL this server issued (" + storageBaseUrl + "…)");
      }
      return url.substring(storageBaseUrl.length());
    }
  }

  public SessionUpdate {
    if (status == null && notes.isEmpty() && files.isEmpty()) {
      throw DomainException.invalid("send a status, notes or files to update the session");
    }
  }

  /** Whether the URL lies under the base, with no {@code ..} or {@code .} segment to climb out of it. */
  private static boolean isUnder(String url, String base) {
    try {
      URI uri = new URI(url);
      return url.startsWith(base) && uri.normalize().toString().equals(url);
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private static UUID derivedId(String kind, String authorId, OffsetDateTime timestamp, String content) {
    String seed = String.join("\n", kind, authorId, String.valueOf(timestamp == null ? null : timestamp.toInstant()), content);
    return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8));
  }
}
