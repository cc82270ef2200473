package red.sessions.vyoma.http;

import io.vertx.core.Handler;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import red.sessions.vyoma.bus.ApiReply;
import red.sessions.vyoma.bus.ApiRequest;

/**
 * The handler at the end of every API route: it turns the request into one event-bus request to the
 * domain that owns it, on this node only, and the domain's {@link ApiReply} into the response.
 */
final class DomainCall {

  private final long timeoutMs;
  private final RequestValidation validation;

  DomainCall(long timeoutMs, RequestValidation validation) {
    this.timeoutMs = timeoutMs;
    this.validation = validation;
  }

  /** Validates the request against its documented operation, then sends it to the domain. */
  Handler<RoutingContext> to(String address, String action) {
    return ctx -> {
      JsonObject body;
      try {
        body = jsonBody(ctx.body());
      } catch (HttpException e) {
        ctx.fail(e);
        return;
      }
      // map, not onSuccess: an exception thrown while sending (a bug, such as a route with no caller) then
      // fails the request with 500 instead of leaving it unanswered for good.
      validation.check(ctx).<Void>map(valid -> {
        send(ctx, address, action, body);
        return null;
      }).onFailure(ctx::fail);
    };
  }

  private void send(RoutingContext ctx, String address, String action, JsonObject body) {
    JsonObject query = new JsonObject();
    ctx.queryParams().names().forEach(name -> query.put(name, ctx.queryParams().get(name)));
    JsonObject path = new JsonObject();
    ctx.pathParams().forEach(path::put);
    JsonObject headers = new JsonObject();
    ApiRequest.FORWARDED_HEADERS.forEach(name -> {
      String value = ctx.request().getHeader(name);
      if (value != null) {
        headers.put(name, value);
      }
    });
    ApiRequest request = new ApiRequest(BearerAuthentication.caller(ctx), path, query, headers, body);
    DeliveryOptions delivery = new DeliveryOptions()
      .setLocalOnly(true)
      .setSendTimeout(timeoutMs)
      .addHeader(ApiRequest.ACTION_HEADER, action)
      .addHeader(ApiRequest.REQUEST_ID_HEADER, RequestIds.of(ctx));
    ctx.vertx().eventBus().<JsonObject>request(address, request.toJson(), delivery)
      .map(message -> ApiReply.fromJson(message.body()))
      .onSuccess(reply -> {
        HttpServerResponse response = ctx.response().setStatusCode(reply.status());
        if (reply.file() != null) {
          reply.headers().forEach(header -> response.putHeader(header.getKey(), String.valueOf(header.getValue())));
          response.sendFile(reply.file()).onFailure(ctx::fail);
          return;
        }
        response.putHeader(HttpHeaders.CONTENT_TYPE, ApiRouter.JSON_UTF8);
        reply.headers().forEach(header -> response.putHeader(header.getKey(), String.valueOf(header.getValue())));
        response.end(Json.encode(reply.body()));
      })
      .onFailure(ctx::fail);
  }

  /** The body as a JSON object; {@code null} when the request has none. */
  private static JsonObject jsonBody(RequestBody body) {
    if (body == null || !body.available() || body.isEmpty()) {
      return null;
    }
    Object value;
    try {
      value = Json.decodeValue(body.buffer());
    } catch (DecodeException e) {
      throw new HttpException(400, "the request body is not valid JSON");
    }
    if (!(value instanceof JsonObject object)) {
      throw new HttpException(400, "the request body must be a JSON object");
    }
    return object;
  }
}
