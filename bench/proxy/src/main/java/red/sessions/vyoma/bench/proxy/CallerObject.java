package red.sessions.vyoma.bench.proxy;

import io.vertx.codegen.annotations.DataObject;
import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.auth.Caller;

/** {@link Caller} as a service-proxy data object: what crosses the bus is its JSON. */
@DataObject
public class CallerObject {

  private final Caller caller;

  public CallerObject(Caller caller) {
    this.caller = caller;
  }

  public CallerObject(JsonObject json) {
    this(new Caller(json.getString("user_id"), json.getBoolean("admin")));
  }

  public Caller caller() {
    return caller;
  }

  public JsonObject toJson() {
    return new JsonObject().put("user_id", caller.userId()).put("admin", caller.admin());
  }
}
