package red.sessions.vyoma.kernel;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ids of rows written often and kept long (bookings, events): time-ordered UUIDs, version 7 of RFC 9562. The
 * first 48 bits are the Unix time in milliseconds, so a new id goes to the right-hand edge of every index keyed by
 * it, and the pages being written stay few and in memory however long the history grows (a random UUID lands on
 * a random page of an index much larger than the cache). PostgreSQL 15 has no generator for them.
 */
public final class Ids {

  private static final long VERSION_7 = 0x7000L;
  private static final long VARIANT_RFC = 0x8000_0000_0000_0000L;

  private Ids() {
  }

  /** A new version 7 UUID: the current millisecond, then 74 random bits. */
  public static UUID timeOrdered() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long mostSignificant = System.currentTimeMillis() << 16 | VERSION_7 | random.nextLong() & 0x0FFFL;
    long leastSignificant = VARIANT_RFC | random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL;
    return new UUID(mostSignificant, leastSignificant);
  }
}
