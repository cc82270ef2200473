package red.sessions.vyoma.bus;

import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.auth.Caller;

/**
 * One API call as it travels from the HTTP verticle to the domain that owns it: the authenticated
 * caller, the path and query parameters, and the JSON body if the call has one.
 */
public record ApiRequest(Caller caller, JsonObject path, JsonObject query, JsonObject body) {

  public static final String ACTION_HEADER = "action";
  public static final String REQUEST_ID_HEADER = "request-id";

  public JsonObject toJson() {
    return new JsonObject()
      .put("caller", caller.toJson())
      .put("path", path)
      .put("query", query)
      .put("body", body);
  }

  public static ApiRequest fromJson(JsonObject json) {
    return new ApiRequest(Caller.fromJson(json.getJsonObject("caller")), json.getJsonObject("path"),
      json.getJsonObject("query"), json.getJsonObject("body"));
  }

  /** A query parameter that must be present and not blank. */
  public String requiredQuery(String name) {
    String value = query.getString(name);
    if (value == null || value.isBlank()) {
      throw ApiException.badRequest("query parameter " + name + " is required");
    }
    return value;
  }

  /** The JSON body; calls that need one fail with 400 without it. */
  public JsonObject requiredBody() {
    if (body == null) {
      throw ApiException.badRequest("a JSON object body is required");
    }
    return body;
  }
}
