package red.sessions.vyoma.bookings;

import org.junit.jupiter.api.Test;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.support.Samples;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BookingStatusTest {

  private static final List<String> WIRE = List.of("pending", "confirmed", "completed", "cancelled");

  @Test
  void statusesTravelInLowerCase() {
    assertEquals(WIRE, Arrays.stream(BookingStatus.values()).map(BookingStatus::wire).toList());
  }

  @Test
  void aStoredStatusIsReadBackFromItsWireForm() {
    for (BookingStatus status : BookingStatus.values()) {
      assertEquals(status, BookingStatus.fromWire(status.wire()));
    }
  }

  @Test
  void aBookingCanBeChangedToConfirmedCancelledOrCompleted() {
    assertEquals(BookingStatus.CONFIRMED, BookingStatus.target("confirmed"));
    assertEquals(BookingStatus.CANCELLED, BookingStatus.target("cancelled"));
    assertEquals(BookingStatus.COMPLETED, BookingStatus.target("completed"));
  }

  @Test
  void pendingIsNoTarget() {
    assertRefused("pending");
  }

  @Test
  void targetsAreMatchedExactly() {
    assertRefused("CONFIRMED");
    assertRefused(" confirmed");
    assertRefused("");
    assertRefused(null);
  }

  @Test
  void noOtherWordIsATarget() {
    Samples.check(random -> assertRefused(Samples.string(random)));
  }

  private static void assertRefused(String value) {
    DomainException e = assertThrows(DomainException.class, () -> BookingStatus.target(value));
    assertEquals(DomainException.Reason.INVALID, e.reason());
    assertEquals("status must be confirmed, cancelled or completed", e.getMessage());
  }
}
