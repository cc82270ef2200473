package red.sessions.vyoma.bookings;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import red.sessions.vyoma.api.BookingBodies;
import red.sessions.vyoma.bus.DomainException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class StatusChangeTest {

  private static JsonObject change(String status) {
    return new JsonObject().put("status", status);
  }

  private static void assertRefused(String message, JsonObject body) {
    DomainException e = assertThrows(DomainException.class, () -> BookingBodies.statusChange(body, null));
    assertEquals(DomainException.Reason.INVALID, e.reason());
    assertEquals(message, e.getMessage());
  }

  @Test
  void aChangeNamesTheStatusToMoveTo() {
    assertEquals(new StatusChange(BookingStatus.CONFIRMED, null, null), BookingBodies.statusChange(change("confirmed"), null));
    assertEquals(BookingStatus.COMPLETED, BookingBodies.statusChange(change("completed"), null).to());
  }

  @Test
  void theStatusIsRequiredAndIsATarget() {
    assertRefused("status is required", new JsonObject());
    assertRefused("status must be a string", new JsonObject().put("status", 1));
    assertRefused("status must be confirmed, cancelled or completed", change("pending"));
  }

  @Test
  void aCancellationCarriesItsReasonTrimmed() {
    assertEquals(new StatusChange(BookingStatus.CANCELLED, "I am ill", null),
      BookingBodies.statusChange(change("cancelled").put("reason", " I am ill "), null));
    assertNull(BookingBodies.statusChange(change("cancelled"), null).reason());
    assertEquals("", BookingBodies.statusChange(change("cancelled").put("reason", " "), null).reason());
  }

  @Test
  void reasonIsOnlyForCancelling() {
    assertRefused("reason is only for cancelling", change("confirmed").put("reason", "why not"));
    assertRefused("reason is only for cancelling", change("completed").put("reason", ""));
  }

  @Test
  void aReasonIsAtMost500Characters() {
    assertEquals(500, BookingBodies.statusChange(change("cancelled").put("reason", "r".repeat(500)), null).reason().length());
    assertRefused("reason must be 0 to 500 characters", change("cancelled").put("reason", "r".repeat(501)));
    assertRefused("reason must be a string", change("cancelled").put("reason", 7));
  }

  @Test
  void theVersionTheCallerLastSawIsCarried() {
    assertEquals(3, BookingBodies.statusChange(change("confirmed"), 3).expectedVersion());
    assertNull(BookingBodies.statusChange(change("confirmed"), null).expectedVersion());
  }
}
