package red.sessions.vyoma.http;

import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import red.sessions.vyoma.auth.Caller;

/** One line per request, written when its response ends: never headers, so never a token. */
final class AccessLog {

  private static final Logger LOG = LoggerFactory.getLogger("vyoma.access");

  private AccessLog() {
  }

  static void record(RoutingContext ctx) {
    long started = System.nanoTime();
    ctx.addBodyEndHandler(v -> {
      Caller caller = BearerAuthentication.caller(ctx);
      LOG.info("{} {} {} {}ms request_id={} user_id={}",
        ctx.request().method(), ctx.request().path(), ctx.response().getStatusCode(),
        (System.nanoTime() - started) / 1_000_000, RequestIds.of(ctx), caller != null ? caller.userId() : "-");
    });
    ctx.next();
  }
}
