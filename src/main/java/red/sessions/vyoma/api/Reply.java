package red.sessions.vyoma.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an API call answers, as its route decides from the domain's result: the status, any headers, and
 * either a JSON body (an object or an array), a text document of another media type (a {@link Buffer}, its
 * {@code Content-Type} among the headers), a file of this node's local store, sent as it is, or nothing (304).
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

  /** A text document of the given media type (such as {@code text/calendar}), in UTF-8. */
  static Reply text(String mediaType, String text) {
    return new Reply(200, Buffer.buffer(text), new LinkedHashMap<>(), null)
      .header("Content-Type", mediaType + "; charset=utf-8");
  }

  /** 304: the client's copy, which its {@code If-None-Match} named, is still the current one. */
  static Reply notModified() {
    return new Reply(304, null, new LinkedHashMap<>(), null);
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
