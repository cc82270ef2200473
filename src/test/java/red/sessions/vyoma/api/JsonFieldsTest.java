package red.sessions.vyoma.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import red.sessions.vyoma.support.Samples;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static red.sessions.vyoma.kernel.TimesTest.assertBadRequest;

class JsonFieldsTest {

  private static final JsonObject BODY = new JsonObject()
    .put("name", "Sam").put("blank", "  ").put("number", 5).put("big", 5_000_000_000L).put("fraction", 4.5)
    .put("text_number", "5").put("object", new JsonObject().put("a", 1)).put("array", new JsonArray().add(1))
    .putNull("null");

  @Test
  void anOptionalStringIsAStringOrAbsent() {
    assertEquals("Sam", JsonFields.optionalString(BODY, "name", "n"));
    assertEquals("  ", JsonFields.optionalString(BODY, "blank", "n"));
    assertNull(JsonFields.optionalString(BODY, "missing", "n"));
    assertNull(JsonFields.optionalString(BODY, "null", "n"));
    assertBadRequest("profile_data.name must be a string", () -> JsonFields.optionalString(BODY, "number", "profile_data.name"));
  }

  @Test
  void aRequiredStringIsNotBlank() {
    assertEquals("Sam", JsonFields.requiredString(BODY, "name", "n"));
    assertBadRequest("n is required", () -> JsonFields.requiredString(BODY, "blank", "n"));
    assertBadRequest("n is required", () -> JsonFields.requiredString(BODY, "missing", "n"));
    assertBadRequest("n must be a string", () -> JsonFields.requiredString(BODY, "object", "n"));
  }

  @Test
  void aRequiredObjectIsAnObject() {
    assertEquals(new JsonObject().put("a", 1), JsonFields.requiredObject(BODY, "object", "profile_data"));
    assertBadRequest("profile_data is required", () -> JsonFields.requiredObject(BODY, "missing", "profile_data"));
    assertBadRequest("profile_data must be an object", () -> JsonFields.requiredObject(BODY, "array", "profile_data"));
  }

  @Test
  void aRequiredIntegerIsAWholeJsonNumberWithinBounds() {
    assertEquals(5, JsonFields.requiredInteger(BODY, "number", "rating", 1, 5));
    assertEquals(5, JsonFields.requiredInteger(BODY, "number", "rating", 5, 9));
    String outOfRange = "rating must be a whole number from 1 to 4";
    assertBadRequest(outOfRange, () -> JsonFields.requiredInteger(BODY, "number", "rating", 1, 4));
    assertBadRequest("rating must be a whole number from 6 to 9", () -> JsonFields.requiredInteger(BODY, "number", "rating", 6, 9));
    assertBadRequest(outOfRange, () -> JsonFields.requiredInteger(BODY, "fraction", "rating", 1, 4));
    assertBadRequest(outOfRange, () -> JsonFields.requiredInteger(BODY, "text_number", "rating", 1, 4));
    assertBadRequest("rating is required", () -> JsonFields.requiredInteger(BODY, "missing", "rating", 1, 4));
  }

  @Test
  void aLongBeyondTheBoundsIsNotCutToAnInt() {
    // 5,000,000,000 as an int is 705,032,704: within these bounds, and still refused.
    assertBadRequest("n must be a whole number from 0 to 2147483647",
      () -> JsonFields.requiredInteger(BODY, "big", "n", 0, Integer.MAX_VALUE));
    assertEquals(7, JsonFields.requiredInteger(new JsonObject().put("n", 7L), "n", "n", 0, 9));
  }

  @Test
  void anOptionalArrayIsAnArrayOrAbsent() {
    assertSame(BODY.getJsonArray("array"), JsonFields.optionalArray(BODY, "array", "topics"));
    assertNull(JsonFields.optionalArray(BODY, "missing", "topics"));
    assertBadRequest("topics must be an array", () -> JsonFields.optionalArray(BODY, "name", "topics"));
  }

  @Test
  void onlyTheCanonicalFormNamesAUuid() {
    UUID id = UUID.fromString("1b4e28ba-2fa1-11d2-883f-0016d3cca427");
    assertEquals(id, JsonFields.uuid("1b4e28ba-2fa1-11d2-883f-0016d3cca427", "booking_id"));
    assertBadRequest("booking_id must be a UUID", () -> JsonFields.uuid("1-1-1-1-1", "booking_id"));
    assertBadRequest("booking_id must be a UUID", () -> JsonFields.uuid("1b4e28ba-2fa1-11d2-883f-0016d3cca42z", "booking_id"));
    assertBadRequest("booking_id must be a UUID", () -> JsonFields.uuid("1b4e28ba-2fa1-11d2-883f-0016d3cca4278", "booking_id"));
    assertBadRequest("booking_id must be a UUID", () -> JsonFields.uuid(null, "booking_id"));
  }

  @Test
  void everyUuidReadsBackFromItsCanonicalForm() {
    Samples.check(random -> {
      UUID id = new UUID(random.nextLong(), random.nextLong());
      assertEquals(id, JsonFields.uuid(id.toString(), "id"));
    });
  }
}
