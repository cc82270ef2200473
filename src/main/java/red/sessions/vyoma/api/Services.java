package red.sessions.vyoma.api;

import io.vertx.core.Vertx;
import red.sessions.vyoma.bus.LocalServices;

/** The domains' services as the routes call them: proxies over the event bus, on this node. */
final class Services {

  private final Vertx vertx;
  private final long timeoutMs;

  Services(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
  }

  /** A proxy of the service served at the address; a domain that does not answer in time is a 503. */
  <S> S of(Class<S> type, String address) {
    return LocalServices.proxy(vertx, type, address, timeoutMs);
  }
}
