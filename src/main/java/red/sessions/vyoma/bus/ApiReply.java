package red.sessions.vyoma.bus;

import io.vertx.core.json.JsonObject;

/** A domain's successful answer: the HTTP status, response headers and the JSON body (object or array). */
public record ApiReply(int status, JsonObject headers, Object body) {

  public static ApiReply ok(Object body) {
    return new ApiReply(200, new JsonObject(), body);
  }

  public static ApiReply created(Object body) {
    return new ApiReply(201, new JsonObject(), body);
  }

  public ApiReply withHeader(String name, String value) {
    headers.put(name, value);
    return this;
  }

  public JsonObject toJson() {
    return new JsonObject().put("status", status).put("headers", headers).put("body", body);
  }

  public static ApiReply fromJson(JsonObject json) {
    return new ApiReply(json.getInteger("status"), json.getJsonObject("headers"), json.getValue("body"));
  }
}
