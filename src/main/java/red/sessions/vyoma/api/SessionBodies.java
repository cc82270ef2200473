package red.sessions.vyoma.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.kernel.Text;
import red.sessions.vyoma.kernel.Times;
import red.sessions.vyoma.sessions.SessionStatus;
import red.sessions.vyoma.sessions.SessionUpdate;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The request body of {@code PUT /sessions/{id}}, read into the sessions domain's input. */
public final class SessionBodies {

  private SessionBodies() {
  }

  public static SessionUpdate update(JsonObject body) {
    String status = JsonFields.optionalString(body, "status", "status");
    List<SessionUpdate.Note> notes = new ArrayList<>();
    for (JsonObject item : items(body, "notes", SessionUpdate.MAX_NOTES)) {
      String text = Text.bounded(JsonFields.requiredString(item, "text", "notes[].text"), "notes[].text", 1,
        SessionUpdate.MAX_TEXT);
      OffsetDateTime timestamp = timestamp(item, "notes[].timestamp");
      notes.add(new SessionUpdate.Note(clientId(item, "notes[].id"), text, timestamp));
    }
    List<SessionUpdate.SharedFile> files = new ArrayList<>();
    for (JsonObject item : items(body, "files", SessionUpdate.MAX_FILES)) {
      String name = Text.bounded(JsonFields.requiredString(item, "name", "files[].name"), "files[].name", 1,
        SessionUpdate.MAX_FILE_NAME);
      String url = Text.bounded(JsonFields.requiredString(item, "url", "files[].url"), "files[].url", 1,
        SessionUpdate.MAX_URL);
      OffsetDateTime timestamp = timestamp(item, "files[].timestamp");
      files.add(new SessionUpdate.SharedFile(clientId(item, "files[].id"), name, url, timestamp));
    }
    if (status == null) {
      return new SessionUpdate(null, notes, files);
    }
    return new SessionUpdate(SessionStatus.fromWire(status), notes, files);
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
}
