package red.sessions.vyoma.auth;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cache of verified tokens on its own, on a clock the test moves. */
class VerifiedTokensTest {

  private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl";

  private final MovableClock clock = new MovableClock(Instant.parse("2030-01-01T10:00:00Z"));
  private final long now = clock.instant().getEpochSecond();

  @Test
  void aRememberedTokenGivesBackTheCallerItsVerificationFound() {
    VerifiedTokens tokens = new VerifiedTokens(10, clock);
    Caller admin = new Caller("alice", true);
    tokens.remember(TOKEN, admin, now + 60);
    assertSame(admin, tokens.find(TOKEN).caller());
  }

  @Test
  void onlyTheVeryTokenIsFound() {
    VerifiedTokens tokens = new VerifiedTokens(10, clock);
    tokens.remember(TOKEN, new Caller("alice", false), now + 60);
    assertNull(tokens.find(TOKEN.substring(0, TOKEN.length() - 1)));
    assertNull(tokens.find(TOKEN + "x"));
    assertNull(tokens.find(TOKEN.replace("c2ln", "c2lo")));
  }

  @Test
  void anEntryIsServedUntilItsExpiryAndNotFromThatSecondOn() {
    VerifiedTokens tokens = new VerifiedTokens(10, clock);
    tokens.remember(TOKEN, new Caller("alice", false), now + 60);
    clock.set(Instant.ofEpochSecond(now + 60).minusMillis(1));
    assertEquals("alice", tokens.find(TOKEN).caller().userId());
    clock.set(Instant.ofEpochSecond(now + 60));
    assertNull(tokens.find(TOKEN));
    assertEquals(0, tokens.size(), "an expired entry found is dropped");
  }

  @Test
  void aTokenAlreadyExpiredIsNotKept() {
    VerifiedTokens tokens = new VerifiedTokens(10, clock);
    tokens.remember(TOKEN, new Caller("alice", false), now);
    assertEquals(0, tokens.size());
  }

  @Test
  void aSizeOfZeroKeepsNothing() {
    VerifiedTokens tokens = new VerifiedTokens(0, clock);
    tokens.remember(TOKEN, new Caller("alice", false), now + 60);
    assertNull(tokens.find(TOKEN));
    assertEquals(0, tokens.size());
  }

  @Test
  void aNegativeSizeIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new VerifiedTokens(-1, clock));
  }

  @Test
  void theCacheNeverHoldsMoreThanItsMaximumAndStillTakesNewTokensWhenFull() {
    VerifiedTokens tokens = new VerifiedTokens(100, clock);
    for (int i = 0; i < 1000; i++) {
      String token = TOKEN + i;
      tokens.remember(token, new Caller("user-" + i, false), now + 60);
      assertTrue(tokens.size() <= 100, () -> tokens.size() + " entries");
      assertEquals("user-" + i, tokens.find(token).caller().userId());
    }
  }

  @Test
  void aTokenRememberedAgainTakesNoMoreRoom() {
    VerifiedTokens tokens = new VerifiedTokens(2, clock);
    for (int i = 0; i < 5; i++) {
      tokens.remember("again", new Caller("a", false), now + 60);
    }
    tokens.remember("other", new Caller("b", false), now + 60);
    assertEquals("a", tokens.find("again").caller().userId());
    assertEquals("b", tokens.find("other").caller().userId());
  }

  @Test
  void expiredEntriesMakeRoomBeforeLiveOnesAreDropped() {
    VerifiedTokens tokens = new VerifiedTokens(4, clock);
    tokens.remember("short-1", new Caller("a", false), now + 10);
    tokens.remember("short-2", new Caller("b", false), now + 10);
    tokens.remember("long-1", new Caller("c", false), now + 100);
    tokens.remember("long-2", new Caller("d", false), now + 100);
    clock.set(Instant.ofEpochSecond(now + 50));
    tokens.remember("new", new Caller("e", false), now + 100);
    assertEquals("c", tokens.find("long-1").caller().userId());
    assertEquals("d", tokens.find("long-2").caller().userId());
    assertEquals("e", tokens.find("new").caller().userId());
    assertEquals(3, tokens.size());
  }

  @Test
  void threadsRememberingAtOnceNeverPushItPastItsMaximum() throws InterruptedException {
    VerifiedTokens tokens = new VerifiedTokens(64, clock);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      String prefix = "thread-" + t + "-";
      threads.add(new Thread(() -> {
        for (int i = 0; i < 5000; i++) {
          tokens.remember(prefix + i, new Caller(prefix, false), now + 60);
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread thread : threads) {
      thread.join();
    }
    assertTrue(tokens.size() <= 64, () -> tokens.size() + " entries");
    tokens.remember(TOKEN, new Caller("alice", false), now + 60);
    assertEquals("alice", tokens.find(TOKEN).caller().userId());
  }

  /** Time that stands still until the test moves it. */
  private static final class MovableClock extends Clock {

    private volatile Instant instant;

    MovableClock(Instant instant) {
      this.instant = instant;
    }

    void set(Instant instant) {
      this.instant = instant;
    }

    @Override
    public Instant instant() {
      return instant;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("the cache reads instants only");
    }
  }
}
