package red.sessions.vyoma.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A listening socket on loopback for the tests' hand-made servers: a daemon thread accepts each connection and
 * hands it over; closing closes the listener and every connection it accepted.
 */
final class LoopbackListener implements AutoCloseable {

  private final ServerSocket listener;
  private final List<Socket> accepted = new CopyOnWriteArrayList<>();

  private LoopbackListener(ServerSocket listener) {
    this.listener = listener;
  }

  /** Listens on a free port; {@code name} names the accepting thread. */
  static LoopbackListener start(String name, Consumer<Socket> connection) {
    try {
      LoopbackListener server = new LoopbackListener(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
      Thread acceptor = new Thread(() -> server.accept(connection), name);
      acceptor.setDaemon(true);
      acceptor.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int port() {
    return listener.getLocalPort();
  }

  /** How many connections it has accepted so far. */
  int accepted() {
    return accepted.size();
  }

  private void accept(Consumer<Socket> connection) {
    while (!listener.isClosed()) {
      try {
        Socket socket = listener.accept();
        accepted.add(socket);
        connection.accept(socket);
      } catch (IOException closed) {
        return;
      }
    }
  }

  @Override
  public void close() {
    try {
      listener.close();
      for (Socket socket : accepted) {
        socket.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
