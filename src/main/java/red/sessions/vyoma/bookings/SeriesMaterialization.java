package red.sessions.vyoma.bookings;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import red.sessions.vyoma.platform.Sweep;

/**
 * Books series' occurrences as the booking window reaches them: every {@code series.materialize_interval_seconds},
 * each series whose next occurrence may have come inside its teacher's {@code max_days_ahead} (or
 * {@code series.horizon_weeks}) is judged from there, one node at a time ({@link Sweep}), each series in a
 * transaction of its own.
 */
public final class SeriesMaterialization {

  private SeriesMaterialization() {
  }

  /**
   * @param bookings the {@code bookings} section
   * @param series   the {@code series} section
   */
  public static Sweep sweep(Pool pool, JsonObject bookings, JsonObject series) {
    SeriesStore store = new SeriesStore(pool, new BookingStore(pool, bookings.getInteger("idempotency_key_ttl_seconds")),
      series.getInteger("horizon_weeks"));
    return new Sweep("series materialised", store::materializeDue, series.getLong("materialize_interval_seconds"));
  }
}
