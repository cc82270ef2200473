package red.sessions.vyoma.bench.proxy;

import io.vertx.core.Future;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.bookings.Booking;

import java.util.UUID;

/** {@code BookingService.get} as the routes call it today, through {@code LocalServices}: records by reference. */
public interface BookingReads {

  String ADDRESS = "bench.bookings.local";

  Future<Booking> get(Caller caller, UUID bookingId);
}
