package red.sessions.vyoma.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Typed reads of request fields that answer 400, naming the field, when a value has the wrong type. */
public final class JsonFields {

  private JsonFields() {
  }

  public static String optionalString(JsonObject json, String field, String label) {
    Object value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String text)) {
      throw ApiException.badRequest(label + " must be a string");
    }
    return text;
  }

  public static String requiredString(JsonObject json, String field, String label) {
    String value = optionalString(json, field, label);
    if (value == null || value.isBlank()) {
      throw ApiException.badRequest(label + " is required");
    }
    return value;
  }

  public static JsonObject requiredObject(JsonObject json, String field, String label) {
    Object value = json.getValue(field);
    if (!(value instanceof JsonObject object)) {
      throw ApiException.badRequest(label + (value == null ? " is required" : " must be an object"));
    }
    return object;
  }

  public static JsonArray optionalArray(JsonObject json, String field, String label) {
    Object value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonArray array)) {
      throw ApiException.badRequest(label + " must be an array");
    }
    return array;
  }

  /** A string whose trimmed length lies within the bounds. */
  public static String bounded(String value, String label, int min, int max) {
    String trimmed = value.strip();
    if (trimmed.length() < min || trimmed.length() > max) {
      throw ApiException.badRequest(label + " must be " + min + " to " + max + " characters");
    }
    return trimmed;
  }
}
