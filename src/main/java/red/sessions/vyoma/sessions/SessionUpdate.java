package red.sessions.vyoma.sessions;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.kernel.JsonFields;
import red.sessions.vyoma.kernel.Times;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A validated {@code PUT /sessions/{id}} body: a status to move to and notes and files to add. Each note
 * and file has an id: the client's own {@code id} when it sends one, otherwise one derived from its
 * author and content, so a retried PUT names the same rows and adds nothing twice.
 */
public record SessionUpdate(SessionStatus status, List<Note> notes, List<SharedFile> files) {

  static final int MAX_NOTES = 100;
  static final int MAX_FILES = 20;
  static final int MAX_TEXT = 10_000;
  static final int MAX_FILE_NAME = 255;
  static final int MAX_URL = 2048;

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

  public static SessionUpdate parse(JsonObject body) {
    String status = JsonFields.optionalString(body, "status", "status");
    List<Note> notes = new ArrayList<>();
    for (JsonObject item : items(body, "notes", MAX_NOTES)) {
      String text = JsonFields.bounded(JsonFields.requiredString(item, "text", "notes[].text"), "notes[].text", 1, MAX_TEXT);
      OffsetDateTime timestamp = timestamp(item, "notes[].timestamp");
      notes.add(new Note(clientId(item, "notes[].id"), text, timestamp));
    }
    List<SharedFile> files = new ArrayList<>();
    for (JsonObject item : items(body, "files", MAX_FILES)) {
      String name = JsonFields.bounded(JsonFields.requiredString(item, "name", "files[].name"), "files[].name", 1, MAX_FILE_NAME);
      String url = JsonFields.bounded(JsonFields.requiredString(item, "url", "files[].url"), "files[].url", 1, MAX_URL);
      OffsetDateTime timestamp = timestamp(item, "files[].timestamp");
      files.add(new SharedFile(clientId(item, "files[].id"), name, url, timestamp));
    }
    if (status == null && notes.isEmpty() && files.isEmpty()) {
      throw DomainException.invalid("send a status, notes or files to update the session");
    }
    return new SessionUpdate(status == null ? null : SessionStatus.fromWire(status), notes, files);
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

  private static List<JsonObject> items(JsonObject body, String field, int max) {
    JsonArray array = JsonFields.optionalArray(body, field, field);
    if (array == null) {
      return List.of();
    }
    if (array.size() > max) {
      throw DomainException.invalid(field + " holds at most " + max + " items per update");
    }
    List<JsonObject> items = new ArrayList<>();
    for (Object item : array) {
      if (!(item instanceof JsonObject object)) {
        throw DomainException.invalid(field + " must be an array of objects");
      }
      items.add(object);
    }
    return items;
  }

  private static OffsetDateTime timestamp(JsonObject item, String label) {
    String value = JsonFields.optionalString(item, "timestamp", label);
    return value == null ? null : Times.parse(value, label);
  }

  private static UUID clientId(JsonObject item, String label) {
    String given = JsonFields.optionalString(item, "id", label);
    return given == null ? null : JsonFields.uuid(given, label);
  }

  private static UUID derivedId(String kind, String authorId, OffsetDateTime timestamp, String content) {
    String seed = String.join("\n", kind, authorId, String.valueOf(timestamp == null ? null : timestamp.toInstant()), content);
    return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8));
  }
}
