package red.sessions.vyoma.api;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import red.sessions.vyoma.auth.Authenticated;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.http.BearerAuthentication;
import red.sessions.vyoma.kernel.Page;

import java.util.UUID;

/**
 * An API call as its route's handler reads it, once the contract has accepted it: the verified caller,
 * the JSON body (parsed once), and the path, query and header values.
 */
final class ApiCall {

  private final RoutingContext ctx;
  private final JsonObject body;

  ApiCall(RoutingContext ctx, JsonObject body) {
    this.ctx = ctx;
    this.body = body;
  }

  Caller caller() {
    return BearerAuthentication.caller(ctx);
  }

  /** The caller's token as accepted: for a response that must end when the token does. */
  Authenticated authenticated() {
    return BearerAuthentication.authenticated(ctx);
  }

  /** The JSON body; calls that need one fail with 400 without it. */
  JsonObject body() {
    if (body == null) {
      throw DomainException.invalid("a JSON object body is required");
    }
    return body;
  }

  /** A query parameter, or {@code null}. */
  String query(String name) {
    return ctx.queryParams().get(name);
  }

  /** A query parameter that must be present and not blank. */
  String requiredQuery(String name) {
    String value = query(name);
    if (value == null || value.isBlank()) {
      throw DomainException.invalid("query parameter " + name + " is required");
    }
    return value;
  }

  String path(String name) {
    return ctx.pathParam(name);
  }

  /** A path parameter that must be a UUID; anything else is 400. */
  UUID pathUuid(String name) {
    return JsonFields.uuid(path(name), name);
  }

  /** A request header, or {@code null}. */
  String header(String name) {
    return ctx.request().getHeader(name);
  }

  /** A boolean query parameter: {@code true} or {@code false}, {@code false} when absent. */
  boolean flag(String name) {
    return "true".equals(query(name));
  }

  /** The request's context, for an endpoint that writes its response itself (a stream). */
  RoutingContext context() {
    return ctx;
  }

  /** {@code limit} (default 100, at most 500) and {@code offset} (default 0). */
  Page page() {
    return Page.of(query("limit"), query("offset"));
  }
}
