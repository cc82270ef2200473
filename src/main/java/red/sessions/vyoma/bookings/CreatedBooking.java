package red.sessions.vyoma.bookings;

import java.util.UUID;

/** A booking made, or the one an earlier request with the same idempotency key made ({@code replayed}). */
public record CreatedBooking(UUID bookingId, boolean replayed) {
}
