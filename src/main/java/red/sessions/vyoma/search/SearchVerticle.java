package red.sessions.vyoma.search;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import red.sessions.vyoma.bus.ApiReply;
import red.sessions.vyoma.bus.ApiRequest;
import red.sessions.vyoma.bus.RequestVerticle;
import red.sessions.vyoma.bus.JsonFields;
import red.sessions.vyoma.bus.Page;

import java.util.Map;
import java.util.function.Function;

/**
 * Search: anyone signed in finds teachers by topic, ignoring case and tolerating small typos and partial
 * words; the best match comes first, then the better rated teacher.
 */
public final class SearchVerticle extends RequestVerticle {

  static final int MAX_QUERY = 100;

  private final SearchStore store;

  public SearchVerticle(Pool pool) {
    super(SearchApi.ADDRESS, Map.of());
    this.store = new SearchStore(pool);
  }

  @Override
  protected Map<String, Function<ApiRequest, Future<ApiReply>>> actions() {
    return Map.of(SearchApi.TEACHERS, this::teachers);
  }

  private Future<ApiReply> teachers(ApiRequest request) {
    String topic = JsonFields.bounded(request.requiredQuery("topic"), "topic", 1, MAX_QUERY);
    return store.teachers(topic, Page.of(request)).map(ApiReply::ok);
  }
}
