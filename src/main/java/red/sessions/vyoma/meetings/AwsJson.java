package red.sessions.vyoma.meetings;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.util.SdkAutoConstructList;
import software.amazon.awssdk.core.util.SdkAutoConstructMap;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;

/**
 * An AWS SDK model object as the JSON the service itself speaks: the SDK's field list gives each
 * member's wire name ({@code MeetingId}, {@code MediaPlacement}, …), so nothing is renamed by hand.
 */
final class AwsJson {

  private AwsJson() {
  }

  static JsonObject toJson(SdkPojo pojo) {
    JsonObject json = new JsonObject();
    for (SdkField<?> field : pojo.sdkFields()) {
      Object value = field.getValueOrDefault(pojo);
      // The SDK fills lists and maps the service did not send with empty placeholders: leave them out.
      if (value != null && !(value instanceof SdkAutoConstructList<?>) && !(value instanceof SdkAutoConstructMap<?, ?>)) {
        json.put(field.locationName(), convert(value));
      }
    }
    return json;
  }

  private static Object convert(Object value) {
    if (value instanceof SdkPojo pojo) {
      return toJson(pojo);
    }
    if (value instanceof Collection<?> items) {
      JsonArray array = new JsonArray();
      items.forEach(item -> array.add(convert(item)));
      return array;
    }
    if (value instanceof Map<?, ?> entries) {
      JsonObject object = new JsonObject();
      entries.forEach((key, item) -> object.put(String.valueOf(key), convert(item)));
      return object;
    }
    if (value instanceof Instant || value instanceof Enum<?>) {
      return value.toString();
    }
    return value;
  }
}
