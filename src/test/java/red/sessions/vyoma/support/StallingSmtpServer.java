package red.sessions.vyoma.support;

/**
 * A mail server on loopback that accepts connections and never says a word: a client waits for the greeting until
 * its own timeout. So a sender's messages stay mid-send for as long as a test needs, with nothing in the product
 * told to wait; {@link #connections()} says how many it is holding.
 */
public final class StallingSmtpServer implements AutoCloseable {

  private final LoopbackListener listener;

  private StallingSmtpServer(LoopbackListener listener) {
    this.listener = listener;
  }

  public static StallingSmtpServer start() {
    return new StallingSmtpServer(LoopbackListener.start("stalling-smtp", held -> {
    }));
  }

  public int port() {
    return listener.port();
  }

  /** How many connections it has accepted so far. */
  public int connections() {
    return listener.accepted();
  }

  @Override
  public void close() {
    listener.close();
  }
}
