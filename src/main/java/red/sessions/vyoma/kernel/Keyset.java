package red.sessions.vyoma.kernel;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Paging through all of one user's rows by id, for their export: each page is the rows after the last one's id, so
 * every page costs the same however far into the history it is (an offset would re-read every row before it).
 */
public final class Keyset {

  private Keyset() {
  }

  /** A statement's parameters: {@code #{user_id}}, {@code #{after}} (null: from the first) and {@code #{limit}}. */
  public static Map<String, Object> params(String userId, UUID after, int limit) {
    Map<String, Object> params = new HashMap<>();
    params.put("user_id", userId);
    params.put("after", after);
    params.put("limit", limit);
    return params;
  }
}
