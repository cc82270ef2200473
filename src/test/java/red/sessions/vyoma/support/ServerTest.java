package red.sessions.vyoma.support;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A test class against one real server on the shared database, started before its first test and
 * stopped after its last. Test classes run one after another, so each has the fields to itself.
 */
public abstract class ServerTest {

  protected static TestServer server;
  protected static Api api;
  protected static Seed seed;

  @BeforeAll
  static void startServer() {
    server = TestServer.start();
    api = server.api();
    seed = server.seed();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }
}
