package red.sessions.vyoma.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.kernel.Times;

import java.time.OffsetDateTime;
import java.util.UUID;

/** Typed reads of request fields that answer 400, naming the field, when a value has the wrong type. */
final class JsonFields {

  private JsonFields() {
  }

  static String optionalString(JsonObject json, String field, String label) {
    Object value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String text)) {
      throw DomainException.invalid(label + " must be a string");
    }
    return text;
  }

  static String requiredString(JsonObject json, String field, String label) {
    String value = optionalString(json, field, label);
    if (value == null || value.isBlank()) {
      throw DomainException.invalid(label + " is required");
    }
    return value;
  }

  static boolean requiredBoolean(JsonObject json, String field, String label) {
    Object value = json.getValue(field);
    if (!(value instanceof Boolean flag)) {
      throw DomainException.invalid(label + (value == null ? " is required" : " must be true or false"));
    }
    return flag;
  }

  static JsonObject requiredObject(JsonObject json, String field, String label) {
    Object value = json.getValue(field);
    if (!(value instanceof JsonObject object)) {
      throw DomainException.invalid(label + (value == null ? " is required" : " must be an object"));
    }
    return object;
  }

  /** A JSON whole number within the bounds; a string such as {@code "5"} or a fraction such as {@code 4.5} is 400. */
  static int requiredInteger(JsonObject json, String field, String label, int min, int max) {
    Object value = json.getValue(field);
    if (value == null) {
      throw DomainException.invalid(label + " is required");
    }
    if ((value instanceof Integer || value instanceof Long) && ((Number) value).longValue() >= min
      && ((Number) value).longValue() <= max) {
      return ((Number) value).intValue();
    }
    throw DomainException.invalid(label + " must be a whole number from " + min + " to " + max);
  }

  static JsonArray optionalArray(JsonObject json, String field, String label) {
    Object value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonArray array)) {
      throw DomainException.invalid(label + " must be an array");
    }
    return array;
  }

  /** A required ISO-8601 time with an offset. */
  static OffsetDateTime requiredTime(JsonObject json, String field, String label) {
    return Times.parse(requiredString(json, field, label), label);
  }

  /** A UUID in its canonical 36-character form; anything else is 400. */
  static UUID uuid(String value, String label) {
    try {
      // UUID.fromString also takes short forms such as 1-1-1-1-1; only the canonical form names an id.
      if (value != null && value.length() == 36) {
        return UUID.fromString(value);
      }
    } catch (IllegalArgumentException notAUuid) {
      // answered below
    }
    throw DomainException.invalid(label + " must be a UUID");
  }
}
