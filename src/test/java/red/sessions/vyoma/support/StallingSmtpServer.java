package red.sessions.vyoma.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A mail server on loopback that accepts connections and never says a word: a client waits for the greeting until
 * its own timeout. So a sender's messages stay mid-send for as long as a test needs, with nothing in the product
 * told to wait; {@link #connections()} says how many it is holding.
 */
public final class StallingSmtpServer implements AutoCloseable {

  private final ServerSocket listener;
  private final List<Socket> held = new CopyOnWriteArrayList<>();

  private StallingSmtpServer(ServerSocket listener) {
    this.listener = listener;
  }

  public static StallingSmtpServer start() {
    try {
      StallingSmtpServer server = new StallingSmtpServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
      Thread acceptor = new Thread(server::accept, "stalling-smtp");
      acceptor.setDaemon(true);
      acceptor.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** How many connections it has accepted so far. */
  public int connections() {
    return held.size();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        held.add(listener.accept());
      } catch (IOException closed) {
        return;
      }
    }
  }

  @Override
  public void close() {
    try {
      listener.close();
      for (Socket socket : held) {
        socket.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
