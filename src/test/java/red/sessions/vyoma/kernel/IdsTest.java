package red.sessions.vyoma.kernel;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdsTest {

  @Test
  void anIdIsAVersion7UuidOfTheCurrentMillisecond() {
    long before = System.currentTimeMillis();
    UUID id = Ids.timeOrdered();
    long after = System.currentTimeMillis();
    assertEquals(7, id.version());
    assertEquals(2, id.variant());
    long millis = id.getMostSignificantBits() >>> 16;
    assertTrue(before <= millis && millis <= after, id + " is of " + millis + ", not of " + before + ".." + after);
  }

  @Test
  void idsOfLaterMillisecondsSortAfterInTheDatabasesOrder() throws InterruptedException {
    // PostgreSQL orders uuids by their bytes, unsigned, as the canonical text orders them.
    String earlier = Ids.timeOrdered().toString();
    Thread.sleep(2);
    String later = Ids.timeOrdered().toString();
    assertTrue(earlier.compareTo(later) < 0, earlier + " before " + later);
  }

  @Test
  void idsOfOneMillisecondDiffer() {
    Set<UUID> ids = new HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      ids.add(Ids.timeOrdered());
    }
    assertEquals(100_000, ids.size());
  }
}
