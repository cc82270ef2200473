package red.sessions.vyoma.sessions;

import org.junit.jupiter.api.Test;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.support.Samples;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionStatusTest {

  @Test
  void statusesAreReadFromLowerCase() {
    assertEquals(SessionStatus.PENDING, SessionStatus.fromWire("pending"));
    assertEquals(SessionStatus.ACTIVE, SessionStatus.fromWire("active"));
    assertEquals(SessionStatus.COMPLETED, SessionStatus.fromWire("completed"));
    assertEquals(List.of("pending", "active", "completed"),
      Arrays.stream(SessionStatus.values()).map(SessionStatus::wire).toList());
  }

  @Test
  void aSessionStartsOnceAndCanBeCompletedFromEitherEarlierStatus() {
    assertArrayEquals(new String[0], SessionStatus.PENDING.reachableFrom());
    assertArrayEquals(new String[] {"pending"}, SessionStatus.ACTIVE.reachableFrom());
    assertArrayEquals(new String[] {"pending", "active"}, SessionStatus.COMPLETED.reachableFrom());
  }

  @Test
  void noStatusIsReachedFromALaterOne() {
    for (SessionStatus to : SessionStatus.values()) {
      for (String from : to.reachableFrom()) {
        assertTrue(SessionStatus.fromWire(from).compareTo(to) < 0, from + "→" + to.wire());
      }
    }
  }

  @Test
  void anythingElseIsRefused() {
    Samples.check(random -> {
      String value = Samples.string(random);
      DomainException e = assertThrows(DomainException.class, () -> SessionStatus.fromWire(value), value);
      assertEquals(DomainException.Reason.INVALID, e.reason());
      assertEquals("status must be pending, active or completed", e.getMessage());
    });
  }
}
