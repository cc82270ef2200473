package red.sessions.vyoma.platform;

import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.RowSet;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

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

  /** Every row, as a JSON array in query order. */
  public static <T> JsonArray toArray(RowSet<T> rows, Function<T, Object> toJson) {
    JsonArray array = new JsonArray();
    rows.forEach(row -> array.add(toJson.apply(row)));
    return array;
  }
}
