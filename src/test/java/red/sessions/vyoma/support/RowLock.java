package red.sessions.vyoma.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * One row of the shared database locked {@code FOR UPDATE} by the test's own connection. Every request
 * that must lock the row, update it or check a foreign key against it waits inside PostgreSQL until the
 * test releases it, so the test can hold a request mid-transaction and count, in {@code pg_stat_activity},
 * how many are waiting there at once: proof that the server let them into the database together.
 */
public final class RowLock implements AutoCloseable {

  private static final Duration PATIENCE = Duration.ofSeconds(10);

  // Inside a transaction PostgreSQL keeps the list of backends it read first; clearing it lets each poll
  // see the connections opened since.
  private static final String CLEAR_SNAPSHOT = "SELECT pg_stat_clear_snapshot()";
  // Backends blocked by ours, directly or queued behind another blocked backend (a second waiter for a
  // row waits for the first waiter's tuple lock, a conflicting insert for the transaction whose row it met).
  private static final String WAITING = """
    WITH RECURSIVE waiting (pid) AS (
      SELECT pid FROM pg_stat_activity WHERE ? = ANY (pg_blocking_pids(pid))
      UNION
      SELECT a.pid FROM pg_stat_activity a JOIN waiting w ON w.pid = ANY (pg_blocking_pids(a.pid)))
    SELECT count(*) FROM waiting""";

  private static final String END_WAITING = WAITING.replace("SELECT count(*) FROM waiting",
    "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM waiting");

  private static final String ACTIVITY = """
    SELECT concat_ws(' ', pid, state, wait_event_type, wait_event, 'blocked by', pg_blocking_pids(pid), left(query, 80))
      FROM pg_stat_activity WHERE backend_type = 'client backend' ORDER BY pid""";

  private final Connection connection;
  private final int backend;

  private RowLock() throws SQLException {
    connection = DriverManager.getConnection(TestServer.sharedJdbcUrl());
    connection.setAutoCommit(false);
    try (PreparedStatement pid = connection.prepareStatement("SELECT pg_backend_pid()")) {
      backend = firstInt(pid);
    }
  }

  /** Locks the row of {@code table} whose {@code column} (compared as text) is {@code value}; it must exist. */
  public static RowLock on(String table, String column, String value) {
    try {
      RowLock held = new RowLock();
      try (PreparedStatement lock = held.connection.prepareStatement(lockStatement(table, column))) {
        lock.setString(1, value);
        int rows = firstInt(lock);
        if (rows != 1) {
          held.close();
          fail(rows + " rows of " + table + " with " + column + " = " + value + " to lock, not one");
        }
      }
      return held;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Locks one more row in the same transaction, waiting as long as another transaction holds it: a test
   * that holds a row a request needs second, and then asks for the one the request locked first, closes a
   * deadlock, which PostgreSQL breaks by failing whichever transaction waited first (the request's).
   */
  public void alsoLock(String table, String column, String value) {
    try (PreparedStatement lock = connection.prepareStatement(lockStatement(table, column))) {
      lock.setString(1, value);
      assertEquals(1, firstInt(lock), () -> "rows of " + table + " with " + column + " = " + value + " to lock");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Waits until exactly {@code backends} backends are waiting on this lock, failing after ten seconds. */
  public void awaitWaiting(int backends) {
    int waiting;
    try (PreparedStatement clear = connection.prepareStatement(CLEAR_SNAPSHOT);
         PreparedStatement count = connection.prepareStatement(WAITING)) {
      count.setInt(1, backend);
      waiting = Wait.eventually(PATIENCE, Duration.ofMillis(10), () -> waiting(clear, count), now -> now >= backends,
        now -> now + " backends waiting on the lock after " + PATIENCE.toSeconds() + " s, expected " + backends
          + "; backends now:\n" + backendsNow());
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    assertEquals(backends, waiting, "backends waiting on the lock");
  }

  /**
   * Ends the connections of the backends waiting on this lock, as a database lost mid-transaction ends them: their
   * transactions fail and commit nothing.
   */
  public void endWaiting() {
    try (PreparedStatement end = connection.prepareStatement(END_WAITING)) {
      end.setInt(1, backend);
      firstInt(end);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Lets the waiting requests go on (the lock's transaction changed nothing). */
  public void release() {
    try {
      connection.rollback();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private String backendsNow() {
    StringBuilder list = new StringBuilder();
    try (PreparedStatement activity = connection.prepareStatement(ACTIVITY); ResultSet rows = activity.executeQuery()) {
      while (rows.next()) {
        list.append(rows.getString(1)).append('\n');
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return list.toString();
  }

  private static String lockStatement(String table, String column) {
    return "SELECT count(*) FROM (SELECT FROM " + table + " WHERE " + column + "::text = ? FOR UPDATE) AS locked";
  }

  private static int waiting(PreparedStatement clear, PreparedStatement count) {
    try {
      clear.execute();
      return firstInt(count);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int firstInt(PreparedStatement statement) throws SQLException {
    try (ResultSet result = statement.executeQuery()) {
      result.next();
      return result.getInt(1);
    }
  }
}
