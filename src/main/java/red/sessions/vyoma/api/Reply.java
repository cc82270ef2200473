package red.sessions.vyoma.api;

import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an API call answers, as its route decides from the domain's result: the status, any headers, and
 * either a JSON body (an object or an array) or a file of this node's local store, sent as it is.
 */
record Reply(int status, Object body, Map<String, String> headers, String file) {

  static Reply ok(Object body) {
    return new Reply(200, body, new LinkedHashMap<>(), null);
  }

  static Reply created(Object body) {
    return new Reply(201, body, new LinkedHashMap<>(), null);
  }

  /** 202: taken on, to be done shortly (a webhook delivery queued). */
  static Reply accepted(Object body) {
    return new Reply(202, body, new LinkedHashMap<>(), null);
  }

  /** 201 for something new, 200 for something that was already there. */
  static Reply createdOrOk(boolean created, Object body) {
    return created ? created(body) : ok(body);
  }

  /** A temporary redirect; the body names the location too, for clients that do not follow redirects. */
  static Reply redirect(String location) {
    return new Reply(302, new JsonObject().put("location", location), new LinkedHashMap<>(), null)
      .header("Location", location);
  }

  /** The bytes of a local file, with the headers that describe them. */
  static Reply file(String path) {
    return new Reply(200, null, new LinkedHashMap<>(), path);
  }

  Reply header(String name, String value) {
    headers.put(name, value);
    return this;
  }
}
