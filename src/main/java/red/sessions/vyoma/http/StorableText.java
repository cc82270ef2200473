package red.sessions.vyoma.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import red.sessions.vyoma.bus.Echo;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Text PostgreSQL can store, checked once for the whole request before any of it reaches a domain: every
 * path and query value, the headers the operation reads, and every string and key of the body at any depth.
 * A NUL character (U+0000) is refused, since no PostgreSQL text can hold one (SQLSTATE 22021), and so is a
 * lone surrogate (valid in JSON as {@code "\ud800"}, but no character at all, so it could only be stored
 * changed). The 400 names the field, as the contract check does.
 */
public final class StorableText {

  private StorableText() {
  }

  /**
   * A handler for the one route outside the contract, the signed local upload: its path and query are held to
   * the same rule as every operation's, and a request that breaks it fails with the 400.
   */
  public static void pathAndQuery(RoutingContext ctx) {
    try {
      check(ctx, List.of(), null);
    } catch (HttpException refused) {
      ctx.fail(refused);
      return;
    }
    ctx.next();
  }

  static void check(RoutingContext ctx, List<String> headers, JsonObject body) {
    ctx.pathParams().forEach((name, value) -> check("path parameter " + name, value));
    ctx.queryParams().forEach((name, value) -> {
      check("a query parameter name", name);
      check("query parameter " + name, value);
    });
    for (String header : headers) {
      String value = ctx.request().getHeader(header);
      if (value != null) {
        check("header " + header, value);
      }
    }
    if (body != null) {
      object("", body);
    }
  }

  private static void object(String at, JsonObject object) {
    for (Map.Entry<String, Object> field : object) {
      check("a field name" + (at.isEmpty() ? "" : " in " + at), field.getKey());
      value(at.isEmpty() ? field.getKey() : at + "." + field.getKey(), field.getValue());
    }
  }

  private static void value(String at, Object value) {
    if (value instanceof String text) {
      check(at, text);
    } else if (value instanceof JsonObject object) {
      object(at, object);
    } else if (value instanceof JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        value(at + "[" + i + "]", array.getValue(i));
      }
    }
  }

  /** Refuses the text when PostgreSQL cannot store it; {@code what} names its place, with the client's keys in it. */
  private static void check(String what, String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\u0000') {
        throw new HttpException(400, Echo.of(what) + " must not contain the NUL character (U+0000)");
      }
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new HttpException(400, Echo.of(what) + " is not valid Unicode text (it holds a lone surrogate, U+"
          + Integer.toHexString(c).toUpperCase(Locale.ROOT) + ")");
      }
    }
  }
}
