package red.sessions.vyoma.bus;

import io.vertx.core.json.JsonObject;

/**
 * A domain's successful answer: the HTTP status, response headers and either a JSON body (object or
 * array) or, for file reads, the path of a local file to stream.
 */
public record ApiReply(int status, JsonObject headers, Object body, String file) {

  public static ApiReply ok(Object body) {
    return new ApiReply(200, new JsonObject(), body, null);
  }

  public static ApiReply created(Object body) {
    return new ApiReply(201, new JsonObject(), body, null);
  }

  /** The bytes of a local file, sent as they are. */
  public static ApiReply file(String path, String contentType, String fileName) {
    return new ApiReply(200, new JsonObject()
      .put("Content-Type", contentType)
      .put("Content-Disposition", "inline; filename=\"" + fileName + "\"")
      .put("X-Content-Type-Options", "nosniff"), null, path);
  }

  /** A temporary redirect, e.g. to a short-lived signed URL. */
  public static ApiReply redirect(String location) {
    return new ApiReply(302, new JsonObject().put("Location", location), new JsonObject().put("location", location), null);
  }

  public ApiReply withHeader(String name, String value) {
    headers.put(name, value);
    return this;
  }

  public JsonObject toJson() {
    return new JsonObject().put("status", status).put("headers", headers).put("body", body).put("file", file);
  }

  public static ApiReply fromJson(JsonObject json) {
    return new ApiReply(json.getInteger("status"), json.getJsonObject("headers"), json.getValue("body"),
      json.getString("file"));
  }
}
