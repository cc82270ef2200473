package red.sessions.vyoma.support;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * A calendar app's server, as Google or Outlook publish a calendar: a Vert.x HTTP server on loopback serving
 * each path as the test sets it. A file served with {@link #serve} carries an {@code ETag} of its content and
 * answers {@code 304} to a request that sends it back; other paths answer as the test writes them
 * ({@link #answer}); unknown paths are 404. Every request is kept, with the status it got.
 */
public final class CalendarServer implements AutoCloseable {

  /** A request as received: its path, its {@code If-None-Match}, and the status it was answered. */
  public record Received(String path, String ifNoneMatch, int status) {
  }

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final Map<String, String> files = new ConcurrentHashMap<>();
  private final Map<String, Consumer<HttpServerResponse>> answers = new ConcurrentHashMap<>();
  private final Queue<Received> received = new ConcurrentLinkedQueue<>();

  public CalendarServer() {
    server = vertx.createHttpServer().requestHandler(request -> {
      String path = request.path();
      HttpServerResponse response = request.response();
      String file = files.get(path);
      Consumer<HttpServerResponse> answer = answers.get(path);
      int status;
      if (file != null) {
        String etag = "\"" + Integer.toHexString(file.hashCode()) + "\"";
        status = etag.equals(request.getHeader("If-None-Match")) ? 304 : 200;
        response.setStatusCode(status).putHeader("ETag", etag).putHeader("Content-Type", "text/calendar; charset=utf-8");
        received.add(new Received(path, request.getHeader("If-None-Match"), status));
        response.end(status == 304 ? "" : file);
        return;
      }
      if (answer != null) {
        received.add(new Received(path, request.getHeader("If-None-Match"), 0));
        answer.accept(response);
        return;
      }
      received.add(new Received(path, request.getHeader("If-None-Match"), 404));
      response.setStatusCode(404).end();
    }).listen(0, "127.0.0.1").await();
  }

  /** The URL of a path on this server, on loopback. */
  public String url(String path) {
    return "http://127.0.0.1:" + server.actualPort() + path;
  }

  /** Serves the iCalendar text at the path, from now on (an app's calendar that changed). */
  public CalendarServer serve(String path, String ics) {
    answers.remove(path);
    files.put(path, ics);
    return this;
  }

  /** Answers the path as the test writes it, from now on (a failure, a redirect, a huge body, no answer). */
  public CalendarServer answer(String path, Consumer<HttpServerResponse> answer) {
    files.remove(path);
    answers.put(path, answer);
    return this;
  }

  /** A body of the given size: an iCalendar file that goes on and on (folded description lines). */
  public static Buffer huge(int bytes) {
    Buffer body = Buffer.buffer("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//huge//EN\r\n");
    byte[] line = ("X-FILLER:" + "x".repeat(60) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    while (body.length() < bytes) {
      body.appendBytes(line);
    }
    return body;
  }

  public List<Received> at(String path) {
    return received.stream().filter(request -> request.path().equals(path)).toList();
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
