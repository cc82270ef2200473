package red.sessions.vyoma.platform;

import org.junit.jupiter.api.Test;
import red.sessions.vyoma.support.ServerTest;
import red.sessions.vyoma.support.TestServer;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The schema the migrations leave, as the server started on it has it. */
class SchemaTest extends ServerTest {

  /**
   * Every index costs each row written to its table: none may be one that another index already serves. A plain
   * B-tree whose columns lead another B-tree of the same table (neither partial nor on expressions) finds whatever
   * it finds through the other; a unique one is kept, for the rule it holds.
   */
  @Test
  void noIndexIsOneThatAnotherAlreadyServes() throws SQLException {
    List<String> redundant = new ArrayList<>();
    try (Connection connection = DriverManager.getConnection(TestServer.sharedJdbcUrl());
         Statement query = connection.createStatement();
         ResultSet rows = query.executeQuery("""
           SELECT shorter.indexrelid::regclass AS redundant, longer.indexrelid::regclass AS served_by
             FROM pg_index shorter
             JOIN pg_index longer ON longer.indrelid = shorter.indrelid AND longer.indexrelid <> shorter.indexrelid
             JOIN pg_class s ON s.oid = shorter.indexrelid
             JOIN pg_class l ON l.oid = longer.indexrelid
             JOIN pg_namespace n ON n.oid = s.relnamespace
            WHERE n.nspname = 'public' AND NOT shorter.indisunique
              AND s.relam = (SELECT oid FROM pg_am WHERE amname = 'btree') AND l.relam = s.relam
              AND shorter.indpred IS NULL AND longer.indpred IS NULL
              AND shorter.indexprs IS NULL AND longer.indexprs IS NULL
              AND (longer.indkey::text || ' ') LIKE (shorter.indkey::text || ' %')""")) {
      while (rows.next()) {
        redundant.add(rows.getString("redundant") + " (served by " + rows.getString("served_by") + ")");
      }
    }
    assertEquals(List.of(), redundant);
  }
}
