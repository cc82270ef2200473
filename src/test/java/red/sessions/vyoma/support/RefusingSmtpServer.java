package red.sessions.vyoma.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An SMTP server on loopback that refuses every recipient with {@code 550 5.1.1} at {@code RCPT TO}, as a real
 * server answers for a mailbox it does not have; GreenMail accepts every recipient and cannot be told otherwise.
 * It speaks just enough of RFC 5321 for a client to get that far (greeting, {@code EHLO}/{@code HELO},
 * {@code MAIL}, {@code RSET}, {@code NOOP}, {@code QUIT}) and remembers each recipient it refused.
 */
public final class RefusingSmtpServer implements AutoCloseable {

  private final List<String> refused;
  private final LoopbackListener listener;

  private RefusingSmtpServer(List<String> refused, LoopbackListener listener) {
    this.refused = refused;
    this.listener = listener;
  }

  public static RefusingSmtpServer start() {
    List<String> refused = new CopyOnWriteArrayList<>();
    return new RefusingSmtpServer(refused, LoopbackListener.start("refusing-smtp", socket -> {
      Thread session = new Thread(() -> converse(socket, refused), "refusing-smtp-session");
      session.setDaemon(true);
      session.start();
    }));
  }

  public int port() {
    return listener.port();
  }

  /** The addresses of every {@code RCPT TO} refused so far, in order, as the client wrote them. */
  public List<String> refused() {
    return List.copyOf(refused);
  }

  private static void converse(Socket socket, List<String> refused) {
    try (socket; BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))) {
      OutputStream out = socket.getOutputStream();
      say(out, "220 refusing.test ESMTP");
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String command = line.length() < 4 ? line.toUpperCase(Locale.ROOT) : line.substring(0, 4).toUpperCase(Locale.ROOT);
        switch (command) {
          case "EHLO", "HELO" -> say(out, "250 refusing.test");
          case "MAIL", "RSET", "NOOP" -> say(out, "250 2.0.0 OK");
          case "RCPT" -> {
            refused.add(line.substring(line.indexOf(':') + 1).trim());
            say(out, "550 5.1.1 No such user here");
          }
          case "DATA" -> say(out, "554 5.5.1 No valid recipients");
          case "QUIT" -> {
            say(out, "221 2.0.0 Bye");
            return;
          }
          default -> say(out, "502 5.5.2 Command not implemented");
        }
      }
    } catch (IOException closedByTheClient) {
      // The client went away: the conversation is over.
    }
  }

  private static void say(OutputStream out, String reply) throws IOException {
    out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  @Override
  public void close() {
    listener.close();
  }
}
