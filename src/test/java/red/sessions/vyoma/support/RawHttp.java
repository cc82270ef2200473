package red.sessions.vyoma.support;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.impl.HttpResponseImpl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * HTTP/1.1 over a plain socket, spoken as the simplest clients speak it, which a full client library would
 * hide: the whole request written before a byte of the answer is read (Python's {@code urllib}, many mobile
 * HTTP stacks), or the head alone with {@code Expect: 100-continue}. Every exchange is bounded in time: a
 * server that stops reading, so that the client's writes block, fails the test instead of hanging it.
 */
public final class RawHttp implements AutoCloseable {

  private static final int CHUNK = 64 * 1024;
  private static final byte[] CRLF = {'\r', '\n'};

  private final Socket socket;
  private final ExecutorService io = Executors.newSingleThreadExecutor();

  private RawHttp(Socket socket) {
    this.socket = socket;
  }

  /** A connection to the host and port of {@code url}. */
  public static RawHttp connect(String url) {
    URI uri = URI.create(url);
    try {
      return new RawHttp(new Socket(uri.getHost(), uri.getPort()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The request head for {@code url} (path and query), with these headers and {@code Host}. */
  public static String head(String method, String url, Map<String, String> headers) {
    URI uri = URI.create(url);
    StringBuilder head = new StringBuilder(method).append(' ').append(uri.getRawPath());
    if (uri.getRawQuery() != null) {
      head.append('?').append(uri.getRawQuery());
    }
    head.append(" HTTP/1.1\r\nHost: ").append(uri.getHost()).append(':').append(uri.getPort()).append("\r\n");
    headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    return head.append("\r\n").toString();
  }

  /** Writes the head, then {@code bodyLength} bytes of {@code filler}, all within {@code within}; reads nothing. */
  public void write(String head, long bodyLength, byte filler, Duration within) {
    writeBody(head, bodyLength, filler, false, within);
  }

  /**
   * Writes the head (which should say {@code Transfer-Encoding: chunked}), then {@code bodyLength} bytes of
   * {@code filler} in chunks of 64 KiB and the last chunk, all within {@code within}; reads nothing.
   */
  public void writeChunked(String head, long bodyLength, byte filler, Duration within) {
    writeBody(head, bodyLength, filler, true, within);
  }

  private void writeBody(String head, long bodyLength, byte filler, boolean chunked, Duration within) {
    bounded(within, "writing " + bodyLength + " bytes" + (chunked ? " in chunks" : ""), () -> {
      OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = new byte[CHUNK];
      Arrays.fill(chunk, filler);
      for (long left = bodyLength; left > 0; left -= CHUNK) {
        int size = (int) Math.min(CHUNK, left);
        if (chunked) {
          out.write((Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        out.write(chunk, 0, size);
        if (chunked) {
          out.write(CRLF);
        }
      }
      if (chunked) {
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      out.flush();
      return null;
    });
  }

  /** Writes the head and this body within {@code within}; reads nothing. */
  public void write(String head, byte[] body, Duration within) {
    byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
    byte[] bytes = Arrays.copyOf(headBytes, headBytes.length + body.length);
    System.arraycopy(body, 0, bytes, headBytes.length, body.length);
    write(bytes, within);
  }

  /** Writes these bytes within {@code within}. */
  public void write(byte[] bytes, Duration within) {
    bounded(within, "writing " + bytes.length + " bytes", () -> {
      socket.getOutputStream().write(bytes);
      socket.getOutputStream().flush();
      return null;
    });
  }

  /**
   * The next answer (an interim {@code 100 Continue} too), its body read by its {@code Content-Length}, in the
   * response type WebClient answers so the usual assertions apply.
   */
  public HttpResponse<Buffer> read(Duration within) {
    return bounded(within, "reading an answer", () -> {
      InputStream in = socket.getInputStream();
      String[] lines = readHead(in).split("\r\n");
      String[] status = lines[0].split(" ", 3);
      MultiMap headers = MultiMap.caseInsensitiveMultiMap();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        headers.add(lines[i].substring(0, colon).strip(), lines[i].substring(colon + 1).strip());
      }
      String length = headers.get("Content-Length");
      Buffer body = Buffer.buffer(in.readNBytes(length == null ? 0 : Integer.parseInt(length)));
      return new HttpResponseImpl<>(HttpVersion.HTTP_1_1, Integer.parseInt(status[1]), status.length > 2 ? status[2] : "",
        headers, MultiMap.caseInsensitiveMultiMap(), List.of(), body, List.of());
    });
  }

  /** Asserts that the server closes the connection, with nothing more to read, within {@code within}. */
  public void assertClosedByServer(Duration within) {
    int next = bounded(within, "waiting for the server to close the connection", () -> {
      socket.setSoTimeout((int) within.toMillis());
      try {
        return socket.getInputStream().read();
      } catch (SocketTimeoutException e) {
        return -2;
      }
    });
    assertEquals(-1, next, "the server closes the connection after the answer (-2: still open)");
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int next = in.read();
      if (next < 0) {
        throw new IOException("the connection closed before an answer's head: " + head);
      }
      head.write(next);
      matched = next == "\r\n\r\n".charAt(matched) ? matched + 1 : (next == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.ISO_8859_1).strip();
  }

  private interface Step<T> {
    T run() throws IOException;
  }

  private <T> T bounded(Duration within, String what, Step<T> step) {
    Future<T> done = io.submit(step::run);
    try {
      return done.get(within.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      close();
      throw new AssertionError("the server left the client " + what + " for more than " + within, e);
    } catch (ExecutionException e) {
      throw new AssertionError(what + " failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      io.shutdownNow();
    }
  }
}
