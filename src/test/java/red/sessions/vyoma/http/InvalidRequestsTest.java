package red.sessions.vyoma.http;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import red.sessions.vyoma.support.ServerTest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Requests the HTTP decoder refuses before any route sees them, sent over a raw socket as a broken client
 * or a scanner would: they get the error shape too, and the connection is closed after the answer.
 */
class InvalidRequestsTest extends ServerTest {

  /** An answer as read off the socket up to the server's close: status, headers (lower-case names), body. */
  private record RawResponse(int status, Map<String, String> headers, String body) {

    JsonObject error(int expected) {
      assertEquals(expected, status, () -> "answer: " + headers + " " + body);
      assertEquals("application/json; charset=utf-8", headers.get("content-type"));
      assertNotNull(headers.get("x-request-id"), "X-Request-Id");
      assertEquals("close", headers.get("connection"));
      JsonObject error = new JsonObject(body);
      assertEquals(expected, error.getInteger("status_code"));
      assertNotNull(error.getString("message"));
      assertEquals(3, error.size(), () -> "unexpected fields in " + error);
      return error;
    }
  }

  /** Sends the bytes and reads until the server closes the connection (which it must: a read that times out fails). */
  private static RawResponse exchange(String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.config().http().getInteger("port"))) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      int headersEnd = answer.indexOf("\r\n\r\n");
      String[] lines = answer.substring(0, headersEnd).split("\r\n");
      Map<String, String> headers = new HashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
      }
      return new RawResponse(Integer.parseInt(lines[0].split(" ")[1]), headers, answer.substring(headersEnd + 4));
    }
  }

  @Test
  void aRequestLineLongerThanTheServerTakesIs414() throws IOException {
    String path = "/profiles?user_id=" + "a".repeat(5000);
    JsonObject error = exchange("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n").error(414);
    assertEquals("request_uri_too_long", error.getString("error"));
  }

  @Test
  void headersLargerThanTheServerTakesAre431() throws IOException {
    String cookie = "Cookie: " + "c".repeat(10_000) + "\r\n";
    JsonObject error = exchange("GET /health HTTP/1.1\r\nHost: localhost\r\n" + cookie + "\r\n").error(431);
    assertEquals("request_header_fields_too_large", error.getString("error"));
  }

  @Test
  void aLineThatIsNotAnHttpRequestIs400() throws IOException {
    JsonObject error = exchange("HELLO\r\n\r\n").error(400);
    assertEquals("bad_request", error.getString("error"));
  }

  @Test
  void aMalformedHeaderLineIs400() throws IOException {
    JsonObject error = exchange("GET /health HTTP/1.1\r\nHost: localhost\r\nno colon here\r\n\r\n").error(400);
    assertEquals("bad_request", error.getString("error"));
  }
}
