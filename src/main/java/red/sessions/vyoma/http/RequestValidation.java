package red.sessions.vyoma.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.ValidatorException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.Tag;

import java.util.Map;

/**
 * Checks each API request against its operation in {@code openapi.yaml} (parameters and body schema)
 * before it reaches a domain, so the published contract is the one enforced. A request that does not
 * fit is 400 in the error shape, naming what is wrong; the domains still check their own rules.
 */
final class RequestValidation {

  private final OpenAPIContract contract;
  private final RequestValidator validator;
  private final RequestExtractor extractor = RequestExtractor.withBodyHandler();

  private RequestValidation(OpenAPIContract contract, RequestValidator validator) {
    this.contract = contract;
    this.validator = validator;
  }

  static Future<RequestValidation> load(Vertx vertx) {
    return vertx.fileSystem().readFile("openapi.yaml")
      .compose(yaml -> vertx.executeBlocking(() -> forValidation(yaml.toString())))
      .compose(document -> OpenAPIContract.from(vertx, document))
      .map(contract -> new RequestValidation(contract, RequestValidator.create(vertx, contract)));
  }

  /** Succeeds when the request fits its documented operation; fails with a 400 otherwise. */
  Future<Void> check(RoutingContext ctx) {
    Operation operation = contract.findOperation(ctx.request().path(), ctx.request().method());
    if (operation == null) {
      // Only GET /files/{key}: its key holds slashes, which OpenAPI path templates cannot match. It has
      // nothing else to validate; OpenApiContractTest keeps every route documented.
      return Future.succeededFuture();
    }
    // compose, not a direct call: the extractor throws, rather than fails, on a query it cannot decode.
    return Future.succeededFuture()
      .compose(v -> extractor.extractValidatableRequest(ctx, operation))
      .transform(extracted -> {
        if (extracted.failed()) {
          // The extractor decodes query values a second time, so a value holding '%' once decoded (a search
          // for "100%") cannot be read; such a request is left to the domain's own checks.
          return extracted.cause() instanceof ValidatorException
            ? Future.<Void>succeededFuture()
            : Future.<Void>failedFuture(extracted.cause());
        }
        return validator.validate(extracted.result(), operation.getOperationId()).<Void>mapEmpty()
          .recover(failure -> Future.failedFuture(failure instanceof ValidatorException invalid
            ? new HttpException(400, invalid.getMessage())
            : failure));
      });
  }

  /**
   * The requests of the document as the validator reads them. Its first server is relative ({@code /},
   * so the docs page calls the server that serves it), which the validator cannot parse; every server the
   * file lists has the base path {@code /}, so one absolute URL with that base path matches requests the
   * same way. Responses are not validated, and the validator refuses some of their media types (YAML,
   * files), so they are left out; so is the raw upload, which never reaches a domain.
   */
  private static JsonObject forValidation(String yaml) {
    JsonObject document = new JsonObject(new Yaml(new TimestampsAsText()).<Map<String, Object>>load(yaml));
    document.put("servers", new JsonArray().add(new JsonObject().put("url", "http://localhost/")));
    JsonObject paths = document.getJsonObject("paths");
    paths.getJsonObject("/files/{key}").remove("put");
    paths.forEach(path -> ((JsonObject) path.getValue()).forEach(item -> {
      if (item.getValue() instanceof JsonObject operation && operation.containsKey("responses")) {
        operation.put("responses", new JsonObject().put("default", new JsonObject().put("description", "any")));
      }
    }));
    return document;
  }

  /** YAML timestamps (in examples) stay text, as JSON has no time type. */
  private static final class TimestampsAsText extends SafeConstructor {
    TimestampsAsText() {
      super(new LoaderOptions());
      yamlConstructors.put(Tag.TIMESTAMP, yamlConstructors.get(Tag.STR));
    }
  }
}
