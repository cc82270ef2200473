package red.sessions.vyoma.bus;

import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.auth.Caller;

import java.util.List;
import java.util.UUID;

/**
 * One API call as it travels from the HTTP verticle to the domain that owns it: the authenticated
 * caller, the path and query parameters, the few request headers domains read (lower-case names, see
 * {@link #FORWARDED_HEADERS}), and the JSON body if the call has one.
 */
public record ApiRequest(Caller caller, JsonObject path, JsonObject query, JsonObject headers, JsonObject body) {

  /** Request headers that carry meaning for a domain; no other header leaves the HTTP verticle. */
  public static final List<String> FORWARDED_HEADERS = List.of("idempotency-key", "if-match");

  public static final String ACTION_HEADER = "action";
  public static final String REQUEST_ID_HEADER = "request-id";

  public JsonObject toJson() {
    return new JsonObject()
      .put("caller", caller.toJson())
      .put("path", path)
      .put("query", query)
      .put("headers", headers)
      .put("body", body);
  }

  public static ApiRequest fromJson(JsonObject json) {
    return new ApiRequest(Caller.fromJson(json.getJsonObject("caller")), json.getJsonObject("path"),
      json.getJsonObject("query"), json.getJsonObject("headers"), json.getJsonObject("body"));
  }

  /** A query parameter that must be present and not blank. */
  public String requiredQuery(String name) {
    String value = query.getString(name);
    if (value == null || value.isBlank()) {
      throw DomainException.invalid("query parameter " + name + " is required");
    }
    return value;
  }

  /** A path parameter that must be a UUID; anything else is 400. */
  public UUID pathUuid(String name) {
    return JsonFields.uuid(path.getString(name), name);
  }

  /** A forwarded request header, or {@code null}. */
  public String header(String lowerCaseName) {
    return headers.getString(lowerCaseName);
  }

  /** The JSON body; calls that need one fail with 400 without it. */
  public JsonObject requiredBody() {
    if (body == null) {
      throw DomainException.invalid("a JSON object body is required");
    }
    return body;
  }
}
