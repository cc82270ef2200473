package red.sessions.vyoma.auth;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Subjects whose tokens are refused however well signed: erased users. Held in this node's memory and read on
 * every request without a database read (a {@link ConcurrentHashMap} lookup); erasures/ fills it at start from
 * the database and keeps it in step across the cluster. A subject once refused stays refused.
 */
public final class RefusedSubjects {

  private final Set<String> subjects = ConcurrentHashMap.newKeySet();

  public void refuse(String subject) {
    subjects.add(subject);
  }

  public boolean isRefused(String subject) {
    return subjects.contains(subject);
  }
}
