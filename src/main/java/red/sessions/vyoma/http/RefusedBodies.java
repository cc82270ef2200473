package red.sessions.vyoma.http;

import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

import java.util.regex.Pattern;

/**
 * Answers given before the request's body was read: a refused upload (403, 409, 413), a JSON body over the
 * limit, a body sent where none is taken. Such an answer says {@code Connection: close} and the connection is
 * then closed, so the next request cannot be read from the middle of an abandoned body; but only once the
 * rest of the body has been read and dropped, for at most {@link #DRAIN_MILLIS}. A client that writes its
 * whole body before reading the answer (Python's urllib, many mobile HTTP stacks) would otherwise block on a
 * full socket and never see the answer; and closing with unread bytes makes TCP reset the connection, which
 * can destroy the answer before the client reads it. HTTP/2 ends just the stream, so only HTTP/1.x is handled.
 */
public final class RefusedBodies {

  /** How long an abandoned body is read on before the connection is closed anyway (as nginx's lingering time). */
  static final long DRAIN_MILLIS = 30_000;
  private static final Pattern ZERO = Pattern.compile("0+");

  private RefusedBodies() {
  }

  public static void closeAfterAnswer(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if ((request.version() == HttpVersion.HTTP_1_1 || request.version() == HttpVersion.HTTP_1_0) && hasBody(request)) {
      boolean[] unread = {false};
      ctx.addHeadersEndHandler(v -> {
        unread[0] = !request.isEnded();
        if (unread[0]) {
          ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
        }
      });
      // Registered now: once the answer is being written, the response takes no more end handlers.
      ctx.addEndHandler(answered -> {
        if (answered.succeeded() && unread[0]) {
          drainThenClose(ctx, request);
        }
      });
    }
    ctx.next();
  }

  /**
   * Whether the request says it carries a body. One without says nothing, yet is not "ended" until its end
   * marker is read, which may come just after an answer given at once ({@code GET /health}): such a request
   * leaves nothing unread, and its connection stays open.
   */
  private static boolean hasBody(HttpServerRequest request) {
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    return request.headers().contains(HttpHeaders.TRANSFER_ENCODING) || (length != null && !ZERO.matcher(length.strip()).matches());
  }

  private static void drainThenClose(RoutingContext ctx, HttpServerRequest request) {
    HttpConnection connection = request.connection();
    if (request.isEnded()) {
      connection.close();
      return;
    }
    long deadline = ctx.vertx().setTimer(DRAIN_MILLIS, id -> connection.close());
    request.handler(dropped -> { })
      .exceptionHandler(e -> ctx.vertx().cancelTimer(deadline))
      .endHandler(ended -> {
        ctx.vertx().cancelTimer(deadline);
        connection.close();
      })
      .resume();
  }
}
