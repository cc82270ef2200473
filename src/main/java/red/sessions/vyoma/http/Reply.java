package red.sessions.vyoma.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an API call answers, as its route decides from the domain's result: the status, the JSON body
 * (an object or an array) and any headers.
 */
record Reply(int status, Object body, Map<String, String> headers) {

  static Reply ok(Object body) {
    return new Reply(200, body, new LinkedHashMap<>());
  }

  static Reply created(Object body) {
    return new Reply(201, body, new LinkedHashMap<>());
  }

  /** 201 for something new, 200 for something that was already there. */
  static Reply createdOrOk(boolean created, Object body) {
    return created ? created(body) : ok(body);
  }

  Reply header(String name, String value) {
    headers.put(name, value);
    return this;
  }
}
