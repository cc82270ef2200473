package red.sessions.vyoma.bus;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import red.sessions.vyoma.auth.Caller;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static red.sessions.vyoma.bus.TimesTest.assertBadRequest;

class ApiRequestTest {

  private static final String ID = "1b4e28ba-2fa1-11d2-883f-0016d3cca427";

  private static ApiRequest request(JsonObject body) {
    return new ApiRequest(new Caller("sam", true), new JsonObject().put("booking_id", ID).put("key", "k"),
      new JsonObject().put("teacher_id", "alice").put("blank", " "), new JsonObject().put("if-match", "\"3\""), body);
  }

  @Test
  void aRequestTravelsOverTheBusUnchanged() {
    ApiRequest request = request(new JsonObject().put("status", "confirmed"));
    assertEquals(request, ApiRequest.fromJson(request.toJson()));
    assertEquals(request(null), ApiRequest.fromJson(request(null).toJson()));
  }

  @Test
  void aRequiredQueryParameterIsPresentAndNotBlank() {
    assertEquals("alice", request(null).requiredQuery("teacher_id"));
    assertBadRequest("query parameter blank is required", () -> request(null).requiredQuery("blank"));
    assertBadRequest("query parameter from is required", () -> request(null).requiredQuery("from"));
  }

  @Test
  void aPathIdIsAUuid() {
    assertEquals(UUID.fromString(ID), request(null).pathUuid("booking_id"));
    assertBadRequest("key must be a UUID", () -> request(null).pathUuid("key"));
  }

  @Test
  void headersAreReadByTheirLowerCaseName() {
    assertEquals("\"3\"", request(null).header("if-match"));
    assertNull(request(null).header("idempotency-key"));
  }

  @Test
  void aCallThatNeedsABodyIsRefusedWithoutOne() {
    JsonObject body = new JsonObject();
    assertSame(body, request(body).requiredBody());
    assertBadRequest("a JSON object body is required", () -> request(null).requiredBody());
  }
}
