package red.sessions.vyoma.bench.proxy;

import io.vertx.codegen.annotations.ProxyGen;
import io.vertx.codegen.annotations.VertxGen;
import io.vertx.core.Future;

/**
 * The same call as vertx-service-proxy would carry it: the code generator writes {@code JsonBookingReadsVertxEBProxy}
 * and {@code JsonBookingReadsVertxProxyHandler} from this interface. Service-proxy methods take JSON-able types
 * only, so the caller and the answer are data objects and the id a string.
 */
@ProxyGen
@VertxGen
public interface JsonBookingReads {

  String ADDRESS = "bench.bookings.json";

  Future<BookingObject> get(CallerObject caller, String bookingId);
}
