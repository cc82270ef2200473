package red.sessions.vyoma.support;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.impl.HttpResponseImpl;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ResponseContract} refuses what {@code openapi.yaml} does not allow, on answers made up here (no
 * server): each broken answer beside a faithful one, so a checker that passed everything fails these.
 */
class ResponseContractTest {

  private static final String JSON = "application/json; charset=utf-8";
  private static final String ID = "0e6f1c2a-7b3d-4f5e-8a9b-c0d1e2f3a4b5";

  private static JsonObject booking() {
    return new JsonObject().put("booking_id", ID).put("student_id", "s").put("teacher_id", "t")
      .put("start_time", "2026-12-01T03:30:00.000Z").put("end_time", "2026-12-01T04:30:00.000Z")
      .put("status", "pending").put("created_at", "2026-11-27T10:11:12.345Z")
      .put("updated_at", "2026-11-27T10:11:12.345Z").putNull("cancel_reason").put("previous_times", new JsonArray())
      .putNull("package_id").put("free_cancellation_until", "2026-12-01T03:30:00.000Z").put("late_cancellation", false)
      .putNull("no_show").putNull("series_id").putNull("cancelled_by");
  }

  private static JsonObject error(int status) {
    return new JsonObject().put("error", "not_found").put("message", "no such thing").put("status_code", status);
  }

  private static HttpResponse<Buffer> answer(int status, String contentType, Buffer body, String... headers) {
    MultiMap all = MultiMap.caseInsensitiveMultiMap().add("X-Request-Id", "req-1");
    if (contentType != null) {
      all.add("Content-Type", contentType);
    }
    for (int i = 0; i < headers.length; i += 2) {
      all.set(headers[i], headers[i + 1]);
    }
    return new HttpResponseImpl<>(HttpVersion.HTTP_1_1, status, "", all, MultiMap.caseInsensitiveMultiMap(), List.of(),
      body, List.of());
  }

  private static HttpResponse<Buffer> json(int status, Object body, String... headers) {
    return answer(status, JSON, Buffer.buffer(body.toString()), headers);
  }

  private static void accepted(HttpMethod method, String uri, HttpResponse<Buffer> response) {
    assertDoesNotThrow(() -> ResponseContract.check(method, uri, response));
  }

  private static void refused(HttpMethod method, String uri, HttpResponse<Buffer> response, String why) {
    AssertionError broken = assertThrows(AssertionError.class, () -> ResponseContract.check(method, uri, response));
    assertTrue(broken.getMessage().contains(why), () -> "expected \"" + why + "\" in: " + broken.getMessage());
  }

  @Test
  void aFaithfulAnswerPassesWithNullableFieldsAndAQuery() {
    accepted(HttpMethod.GET, "/bookings/" + ID + "?x=1", json(200, booking(), "ETag", "\"1\""));
    accepted(HttpMethod.GET, "/bookings/" + ID, json(200, booking().put("cancel_reason", "ill"), "ETag", "\"1\""));
  }

  @Test
  void aRenamedMissingOrExtraFieldFails() {
    JsonObject renamed = booking();
    renamed.put("bookingId", renamed.remove("booking_id"));
    refused(HttpMethod.GET, "/bookings/" + ID, json(200, renamed, "ETag", "\"1\""), "booking_id");
    refused(HttpMethod.GET, "/bookings/" + ID, json(200, booking().put("extra", 1), "ETag", "\"1\""), "extra");
    refused(HttpMethod.GET, "/bookings/" + ID, json(200, booking().put("status", "lost"), "ETag", "\"1\""), "status");
    refused(HttpMethod.GET, "/bookings/" + ID, json(200, booking().put("created_at", "yesterday"), "ETag", "\"1\""),
      "created_at");
  }

  @Test
  void anUndocumentedStatusFails() {
    refused(HttpMethod.GET, "/health", json(201, new JsonObject().put("status", "UP")), "status 201 is not documented");
    refused(HttpMethod.GET, "/health", json(418, error(418)), "status 418 is not documented");
  }

  @Test
  void anErrorMustBeInTheErrorShapeWithItsOwnStatus() {
    accepted(HttpMethod.GET, "/bookings/" + ID, json(404, error(404)));
    refused(HttpMethod.GET, "/bookings/" + ID, json(404, error(400)), "status_code 400");
    refused(HttpMethod.GET, "/bookings/" + ID, json(404, error(404).put("detail", "x")), "detail");
    refused(HttpMethod.GET, "/bookings/" + ID, answer(404, "text/html", Buffer.buffer("<p>no</p>")), "Content-Type");
    refused(HttpMethod.GET, "/bookings/" + ID, answer(404, null, Buffer.buffer()), "no Content-Type");
  }

  @Test
  void requiredHeadersArePresentAndDocumentedOnesMatchTheirSchemas() {
    refused(HttpMethod.GET, "/bookings/" + ID, json(200, booking()), "the header ETag is missing");
    refused(HttpMethod.GET, "/bookings/" + ID, json(200, booking(), "ETag", "W/1"), "ETag");
    refused(HttpMethod.GET, "/bookings/" + ID, json(200, booking(), "ETag", "\"1\"", "X-Request-Id", "has space"),
      "X-Request-Id");
    HttpResponse<Buffer> unauthorized = json(401, error(401).put("error", "unauthorized"), "WWW-Authenticate", "Basic");
    refused(HttpMethod.GET, "/bookings/" + ID, unauthorized, "WWW-Authenticate");
  }

  @Test
  void routesOutsideTheDocumentMustBe404Or405InTheErrorShape() {
    accepted(HttpMethod.GET, "/nowhere", json(404, error(404)));
    refused(HttpMethod.GET, "/nowhere", json(200, new JsonObject()), "must be answered 404");
    refused(HttpMethod.GET, "/nowhere", answer(404, "text/plain", Buffer.buffer("Not Found")), "Content-Type");
    accepted(HttpMethod.DELETE, "/health", json(405, error(405)));
    refused(HttpMethod.DELETE, "/health", json(404, error(404)), "must be answered 405");
    accepted(HttpMethod.GET, "/docs/index.html", answer(200, "text/html", Buffer.buffer("<html></html>")));
    refused(HttpMethod.GET, "/docs/missing.js", answer(404, "text/html", Buffer.buffer("<p>no</p>")), "Content-Type");
  }

  @Test
  void aFileKeySpansSlashesAndANonJsonMediaTypeIsCheckedByType() {
    String file = "/files/uploads/a/" + ID + "/notes.pdf";
    accepted(HttpMethod.GET, file, answer(200, "application/pdf", Buffer.buffer("%PDF"),
      "Content-Disposition", "inline", "X-Content-Type-Options", "nosniff"));
    refused(HttpMethod.GET, file, answer(200, "application/pdf", Buffer.buffer("%PDF"),
      "X-Content-Type-Options", "sniff"), "X-Content-Type-Options");
    refused(HttpMethod.GET, "/openapi.yaml", answer(200, "text/html", Buffer.buffer("openapi: 3.0.3")), "Content-Type");
  }
}
