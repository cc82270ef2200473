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
 * answers {@code 304} to a request that sends it back; one served with {@link #serveLastModified} carries only
 * a {@code Last-Modified} and answers {@code 304} to an {@code If-Modified-Since} that names it; other paths
 * answer as the test writes them ({@link #answer}); unknown paths are 404. Every request is kept, with the
 * status it got.
 */
public final class CalendarServer implements AutoCloseable {

  /** A request as received: its path, its {@code If-None-Match} and {@code If-Modified-Since}, and the status it was answered. */
  public record Received(String path, String ifNoneMatch, String ifModifiedSince, int status) {
  }

  /** A file as served: its text, and the {@code Last-Modified} it carries instead of an {@code ETag} (or null). */
  private record File(String ics, String lastModified) {
  }

  /** When every file served with {@link #serveLastModified} was last modified, as HTTP writes a date. */
  public static final String LAST_MODIFIED = "Wed, 01 Jan 2025 00:00:00 GMT";

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final Map<String, File> files = new ConcurrentHashMap<>();
  private final Map<String, Consumer<HttpServerResponse>> answers = new ConcurrentHashMap<>();
  private final Queue<Received> received = new ConcurrentLinkedQueue<>();

  public CalendarServer() {
    server = vertx.createHttpServer().requestHandler(request -> {
      String path = request.path();
      HttpServerResponse response = request.response();
      File file = files.get(path);
      Consumer<HttpServerResponse> answer = answers.get(path);
      String ifNoneMatch = request.getHeader("If-None-Match");
      String ifModifiedSince = request.getHeader("If-Modified-Since");
      if (file != null) {
        int status;
        if (file.lastModified() == null) {
          String etag = "\"" + Integer.toHexString(file.ics().hashCode()) + "\"";
          status = etag.equals(ifNoneMatch) ? 304 : 200;
          response.putHeader("ETag", etag);
        } else {
          status = file.lastModified().equals(ifModifiedSince) ? 304 : 200;
          response.putHeader("Last-Modified", file.lastModified());
        }
        response.setStatusCode(status).putHeader("Content-Type", "text/calendar; charset=utf-8");
        received.add(new Received(path, ifNoneMatch, ifModifiedSince, status));
        response.end(status == 304 ? "" : file.ics());
        return;
      }
      if (answer != null) {
        received.add(new Received(path, ifNoneMatch, ifModifiedSince, 0));
        answer.accept(response);
        return;
      }
      received.add(new Received(path, ifNoneMatch, ifModifiedSince, 404));
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
    files.put(path, new File(ics, null));
    return this;
  }

  /** Serves the iCalendar text at the path with a {@code Last-Modified} ({@link #LAST_MODIFIED}) and no {@code ETag}. */
  public CalendarServer serveLastModified(String path, String ics) {
    answers.remove(path);
    files.put(path, new File(ics, LAST_MODIFIED));
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
