package red.sessions.vyoma.support;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

import java.util.Map;

/**
 * A test class against one real server on the shared database, started before its first test and
 * stopped after its last. Test classes run one after another, so each has the fields to itself. A class
 * whose server needs settings of its own says so by overriding {@link #settings()}; one instance per class,
 * so that the start can ask it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ServerTest {

  protected static TestServer server;
  protected static Api api;
  protected static Seed seed;

  /** The {@code VYOMA_*} settings of this class's server, on top of {@link TestServer#start(Map)}'s; none by default. */
  protected Map<String, String> settings() {
    return Map.of();
  }

  @BeforeAll
  void startServer() {
    server = TestServer.start(settings());
    api = server.api();
    seed = server.seed();
  }

  @AfterAll
  void stopServer() {
    server.close();
  }
}
