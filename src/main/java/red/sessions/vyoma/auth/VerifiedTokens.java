package red.sessions.vyoma.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Tokens that passed verification, so that a client's repeated calls skip the signature check. An entry
 * is served until the token's {@code exp} and not a moment longer (no leeway: the cache never extends a
 * token's life), and holds only for the keys it was verified with: {@link TokenVerifier} starts a new one
 * when the keys change. Safe for the event-loop threads of every HTTP verticle at once, and never blocks:
 * lookups are a {@link ConcurrentHashMap} read.
 *
 * <p>At most {@code maxEntries} entries, ever: a slot is reserved before an entry goes in. When none is
 * left, one thread (the others just do not cache this time) drops the expired entries and then arbitrary
 * ones, until a quarter of the slots is free, so the sweep through the map is paid once per
 * {@code maxEntries / 4} new tokens. The map's order follows the digests, so the arbitrary ones are a fair
 * random pick; a client whose token was dropped pays one signature check and is back in.
 */
final class VerifiedTokens {

  /** A digest keeps an entry small whatever the token's size (they run to a kilobyte); equal digests, equal tokens. */
  private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("This JVM has no SHA-256", e);
    }
  });

  /** What verification found for a token: the caller, and the token's {@code exp} (epoch seconds). */
  record Entry(Caller caller, long expiresAtEpochSecond) {
  }

  private final int maxEntries;
  private final Clock clock;
  private final Map<ByteBuffer, Entry> entries = new ConcurrentHashMap<>();
  /** Entries in the map plus slots reserved for ones about to go in: never below the map's size. */
  private final AtomicInteger slotsTaken = new AtomicInteger();
  private final AtomicBoolean makingRoom = new AtomicBoolean();

  /**
   * @param maxEntries the most entries ever held; 0 caches nothing
   */
  VerifiedTokens(int maxEntries, Clock clock) {
    if (maxEntries < 0) {
      throw new IllegalArgumentException("auth.token_cache_size must be 0 or more, not " + maxEntries);
    }
    this.maxEntries = maxEntries;
    this.clock = clock;
  }

  /** What verification found for this very token, while the token has not expired; otherwise null. */
  Entry find(String token) {
    if (maxEntries == 0) {
      return null;
    }
    ByteBuffer key = keyOf(token);
    Entry entry = entries.get(key);
    if (entry == null) {
      return null;
    }
    if (isLive(entry)) {
      return entry;
    }
    forget(key, entry);
    return null;
  }

  /** Keeps what verification found for a token, until its {@code exp} (epoch seconds). */
  void remember(String token, Caller caller, long expiresAtEpochSecond) {
    Entry entry = new Entry(caller, expiresAtEpochSecond);
    if (maxEntries == 0 || !isLive(entry)) {
      return;
    }
    if (!takeSlot()) {
      makeRoom();
      if (!takeSlot()) {
        return;
      }
    }
    if (entries.put(keyOf(token), entry) != null) {
      slotsTaken.decrementAndGet();
    }
  }

  int size() {
    return entries.size();
  }

  private boolean isLive(Entry entry) {
    return clock.millis() / 1000 < entry.expiresAtEpochSecond();
  }

  private boolean takeSlot() {
    if (slotsTaken.incrementAndGet() <= maxEntries) {
      return true;
    }
    slotsTaken.decrementAndGet();
    return false;
  }

  private void forget(ByteBuffer key, Entry entry) {
    if (entries.remove(key, entry)) {
      slotsTaken.decrementAndGet();
    }
  }

  private void makeRoom() {
    if (!makingRoom.compareAndSet(false, true)) {
      return;
    }
    try {
      entries.forEach((key, entry) -> {
        if (!isLive(entry)) {
          forget(key, entry);
        }
      });
      int keep = maxEntries - Math.max(1, maxEntries / 4);
      Iterator<Map.Entry<ByteBuffer, Entry>> arbitrary = entries.entrySet().iterator();
      while (slotsTaken.get() > keep && arbitrary.hasNext()) {
        Map.Entry<ByteBuffer, Entry> dropped = arbitrary.next();
        forget(dropped.getKey(), dropped.getValue());
      }
    } finally {
      makingRoom.set(false);
    }
  }

  private static ByteBuffer keyOf(String token) {
    return ByteBuffer.wrap(SHA_256.get().digest(token.getBytes(StandardCharsets.UTF_8)));
  }
}
