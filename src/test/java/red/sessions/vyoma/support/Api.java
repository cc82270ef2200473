package red.sessions.vyoma.support;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** Calls the API over HTTP as a client app would, and checks the error shape of error answers. */
public final class Api {

  private final WebClient client;

  Api(WebClient client) {
    this.client = client;
  }

  public HttpResponse<Buffer> get(String uri, String token) {
    return send(HttpMethod.GET, uri, token, null);
  }

  public HttpResponse<Buffer> post(String uri, String token, JsonObject body) {
    return send(HttpMethod.POST, uri, token, body);
  }

  public HttpResponse<Buffer> send(HttpMethod method, String uri, String token, JsonObject body) {
    return send(client.request(method, uri), token, body);
  }

  /** As {@link #send(HttpMethod, String, String, JsonObject)}, failing when no answer comes within the timeout. */
  public HttpResponse<Buffer> send(HttpMethod method, String uri, String token, JsonObject body, Duration timeout) {
    return send(client.request(method, uri).timeout(timeout.toMillis()), token, body);
  }

  private static HttpResponse<Buffer> send(HttpRequest<Buffer> request, String token, JsonObject body) {
    if (token != null) {
      request.bearerTokenAuthentication(token);
    }
    return (body == null ? request.send() : request.sendJsonObject(body)).await();
  }

  /** A request to finish by hand, for headers the other calls do not set. */
  public HttpRequest<Buffer> request(HttpMethod method, String uri) {
    return client.request(method, uri);
  }

  /**
   * The upload a client makes from an answer of {@code POST /presigned-url}: a PUT of the bytes to its
   * {@code upload_url}, with the headers it lists.
   */
  public HttpResponse<Buffer> upload(JsonObject presigned, Buffer bytes) {
    HttpRequest<Buffer> request = client.requestAbs(HttpMethod.PUT, presigned.getString("upload_url"));
    presigned.getJsonObject("headers").forEach(header -> request.putHeader(header.getKey(), (String) header.getValue()));
    return request.sendBuffer(bytes).await();
  }

  /** Sends raw bytes with the given content type. */
  public HttpResponse<Buffer> sendRaw(HttpMethod method, String uri, String token, String contentType, Buffer body) {
    HttpRequest<Buffer> request = client.request(method, uri).putHeader("Content-Type", contentType);
    if (token != null) {
      request.bearerTokenAuthentication(token);
    }
    return request.sendBuffer(body).await();
  }

  /** Asserts the response is the seed's error shape with this status, and returns its body. */
  public static JsonObject assertError(HttpResponse<Buffer> response, int status) {
    assertEquals(status, response.statusCode(), () -> "body: " + response.bodyAsString());
    assertEquals("application/json; charset=utf-8", response.getHeader("Content-Type"));
    assertNotNull(response.getHeader("X-Request-Id"), "X-Request-Id");
    return assertErrorBody(response.bodyAsJsonObject(), status);
  }

  /** Asserts the body is the seed's error shape with this status, and returns it. */
  public static JsonObject assertErrorBody(JsonObject body, int status) {
    assertEquals(status, body.getInteger("status_code"));
    assertNotNull(body.getString("error"), "error");
    assertNotNull(body.getString("message"), "message");
    assertEquals(3, body.size(), () -> "unexpected fields in " + body);
    return body;
  }

  public static JsonObject assertJson(HttpResponse<Buffer> response, int status) {
    assertEquals(status, response.statusCode(), () -> "body: " + response.bodyAsString());
    return response.bodyAsJsonObject();
  }
}
