package red.sessions.vyoma.bookings;

/** A series made, or the one an earlier request with the same idempotency key made ({@code replayed}). */
public record CreatedSeries(Series series, boolean replayed) {
}
