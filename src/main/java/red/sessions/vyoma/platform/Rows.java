package red.sessions.vyoma.platform;

import io.vertx.sqlclient.RowSet;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Small readings of mapped query results that every store needs. */
public final class Rows {

  private Rows() {
  }

  /** The first row, or empty when the query matched nothing. */
  public static <T> Optional<T> first(RowSet<T> rows) {
    var iterator = rows.iterator();
    return iterator.hasNext() ? Optional.of(iterator.next()) : Optional.empty();
  }

  /** Every row, in query order. */
  public static <T> List<T> toList(RowSet<T> rows) {
    List<T> list = new ArrayList<>(rows.size());
    rows.forEach(list::add);
    return list;
  }
}
