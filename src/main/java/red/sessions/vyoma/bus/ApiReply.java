package red.sessions.vyoma.bus;

import io.vertx.core.json.JsonObject;

/** A domain's successful answer: the HTTP status and the JSON body (an object or an array). */
public record ApiReply(int status, Object body) {

  public static ApiReply ok(Object body) {
    return new ApiReply(200, body);
  }

  public static ApiReply created(Object body) {
    return new ApiReply(201, body);
  }

  public JsonObject toJson() {
    return new JsonObject().put("status", status).put("body", body);
  }

  public static ApiReply fromJson(JsonObject json) {
    return new ApiReply(json.getInteger("status"), json.getValue("body"));
  }
}
