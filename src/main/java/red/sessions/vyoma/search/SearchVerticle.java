package red.sessions.vyoma.search;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import red.sessions.vyoma.bus.DomainVerticle;
import red.sessions.vyoma.kernel.Text;
import red.sessions.vyoma.kernel.Page;

import java.util.List;
import java.util.Map;

/**
 * Search: anyone signed in finds teachers by topic, ignoring case and tolerating small typos and partial
 * words; the best match comes first, then the better rated teacher.
 */
public final class SearchVerticle extends DomainVerticle<SearchService> implements SearchService {

  static final int MAX_QUERY = 100;

  private final SearchStore store;

  public SearchVerticle(Pool pool) {
    super(ADDRESS, SearchService.class, Map.of());
    this.store = new SearchStore(pool);
  }

  @Override
  public Future<List<TeacherMatch>> teachers(String topic, Page page) {
    return store.teachers(Text.bounded(topic, "topic", 1, MAX_QUERY), page);
  }
}
