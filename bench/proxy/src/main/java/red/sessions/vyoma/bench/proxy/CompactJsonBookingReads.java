package red.sessions.vyoma.bench.proxy;

import io.vertx.codegen.annotations.ProxyGen;
import io.vertx.codegen.annotations.VertxGen;
import io.vertx.core.Future;

/** {@link JsonBookingReads} answering the booking's cheapest JSON form, {@link CompactBookingObject}. */
@ProxyGen
@VertxGen
public interface CompactJsonBookingReads {

  String ADDRESS = "bench.bookings.compact";

  Future<CompactBookingObject> get(CallerObject caller, String bookingId);
}
