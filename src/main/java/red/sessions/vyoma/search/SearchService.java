package red.sessions.vyoma.search;

import io.vertx.core.Future;
import red.sessions.vyoma.kernel.Page;

import java.util.List;

/** The search domain, served on the event bus at {@link #ADDRESS}. */
public interface SearchService {

  String ADDRESS = "vyoma.search";

  /**
   * One page of the teachers whose topics match the topic (1 to 100 characters once trimmed), ignoring case
   * and tolerating small typos and partial words: the best match first, then the better rated teacher.
   */
  Future<List<TeacherMatch>> teachers(String topic, Page page);
}
