package red.sessions.vyoma.platform;

import io.vertx.core.Future;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.impl.SqlClientInternal;
import io.vertx.sqlclient.templates.impl.SqlTemplate;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collector;

/**
 * A statement with named parameters ({@code #{name}}), as vertx-sql-client-templates' {@code SqlTemplate} runs
 * it, but with its text parsed once per statement instead of each time one is made: {@code SqlTemplate.forQuery}
 * and {@code forUpdate} scan the text with a regular expression on every call, which the longest statements (a
 * webhook delivery's record, a package's read) paid on every request: a seventh of the server's CPU samples under
 * bookings. The parse is the library's own, so a statement means exactly what it meant with {@code SqlTemplate}.
 * Each distinct text is kept for good, so a template must be one of a fixed set (a store's constants, or statements
 * made from them), never text built from a request's values.
 *
 * @param <R> what the statement answers: its rows, as rows or mapped, or for an update only its counts
 */
public final class Sql<R> {

  private static final Map<String, SqlTemplate> PARSED = new ConcurrentHashMap<>();
  private static final Collector<Row, Void, Void> NOTHING = Collector.of(() -> null, (none, row) -> { }, (a, b) -> null);

  private final SqlTemplate parsed;
  private final PreparedQuery<R> query;

  private Sql(SqlTemplate parsed, PreparedQuery<R> query) {
    this.parsed = parsed;
    this.query = query;
  }

  /** A statement whose rows are read. */
  public static Sql<RowSet<Row>> query(SqlClient client, String template) {
    SqlTemplate parsed = parse(client, template);
    return new Sql<>(parsed, client.preparedQuery(parsed.getSql()));
  }

  /** A statement that changes rows, answering how many (its rows, when it returns some, with {@link #mapTo}). */
  public static Sql<SqlResult<Void>> update(SqlClient client, String template) {
    SqlTemplate parsed = parse(client, template);
    return new Sql<>(parsed, client.preparedQuery(parsed.getSql()).collecting(NOTHING));
  }

  private static SqlTemplate parse(SqlClient client, String template) {
    return PARSED.computeIfAbsent(template, text -> SqlTemplate.create((SqlClientInternal) client, text));
  }

  /** The statement with each row it answers mapped. */
  public <U> Sql<RowSet<U>> mapTo(Function<Row, U> mapper) {
    return new Sql<>(parsed, query.mapping(mapper));
  }

  public Future<R> execute(Map<String, Object> params) {
    return query.execute(parsed.mapTuple(params));
  }

  /** The statement once for each map of parameters, in one round trip. */
  public Future<R> executeBatch(List<Map<String, Object>> batch) {
    return query.executeBatch(batch.stream().map(parsed::mapTuple).toList());
  }
}
