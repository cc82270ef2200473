package red.sessions.vyoma.api;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import red.sessions.vyoma.auth.TokenVerifier;
import red.sessions.vyoma.files.LocalUploads;
import red.sessions.vyoma.http.ContractValidation;
import red.sessions.vyoma.http.ErrorResponses;
import red.sessions.vyoma.http.Listeners;
import red.sessions.vyoma.http.RateLimits;
import red.sessions.vyoma.http.RequestMetrics;
import red.sessions.vyoma.http.StreamSlots;
import red.sessions.vyoma.platform.AppConfig;
import red.sessions.vyoma.platform.Cluster;
import red.sessions.vyoma.platform.Database;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP front: routing, authentication, body limits and the error format. It holds no business
 * logic; each API call goes over the event bus to its domain verticle. Deployed once per event loop.
 */
public final class HttpVerticle extends VerticleBase {

  private final AppConfig config;
  private final TokenVerifier verifier;
  private final Database database;
  private final LocalUploads uploads;
  private final Cluster cluster;
  private final RateLimits limits;
  private final StreamSlots streamSlots;
  private final RequestMetrics requests;
  private HttpServer server;
  /** The redirect and metrics servers, when configured. */
  private List<HttpServer> beside = List.of();

  /**
   * @param uploads the local store's rules for the uploads it takes, mounted when {@code storage.provider} is local
   * @param cluster the cluster this node is in, reported by {@code /health/ready}; {@code null} for a single node
   * @param limits the node's rate limits, one instance for all its HTTP verticles
   * @param streamSlots the node's count of open event streams, one instance for all its HTTP verticles
   * @param requests the node's request metrics, one instance for all its HTTP verticles
   */
  public HttpVerticle(AppConfig config, TokenVerifier verifier, Database database, LocalUploads uploads, Cluster cluster,
                      RateLimits limits, StreamSlots streamSlots, RequestMetrics requests) {
    this.config = config;
    this.verifier = verifier;
    this.database = database;
    this.uploads = uploads;
    this.cluster = cluster;
    this.limits = limits;
    this.streamSlots = streamSlots;
    this.requests = requests;
  }

  @Override
  public Future<?> start() {
    Future<Buffer> openApi = vertx.fileSystem().readFile("openapi.yaml");
    Future<Buffer> swaggerUi = vertx.fileSystem().readFile("swagger-ui.properties");
    Future<ContractValidation> validation = ContractValidation.load(vertx);
    return Future.all(openApi, swaggerUi, validation).compose(read -> {
      Router router = ApiRouter.create(vertx, config, verifier, database, uploads, cluster, limits, streamSlots,
        requests, openApi.result(), validation.result());
      DocsRoutes.mount(router, swaggerUiVersion(swaggerUi.result()));
      server = vertx.createHttpServer(Listeners.api(config)).requestHandler(router)
        .invalidRequestHandler(ErrorResponses::invalidRequest).connectionHandler(requests::connected);
      return server.listen().compose(listening -> Listeners.besideApi(vertx, config)).onSuccess(started -> beside = started);
    });
  }

  /** Where the API is served, for the startup log: https when a certificate is configured. */
  public static String url(AppConfig config) {
    return Listeners.apiUrl(config);
  }

  private static String swaggerUiVersion(Buffer properties) {
    return properties.toString().strip().substring("version=".length());
  }

  /** Stops accepting connections and lets requests in flight finish, up to the shutdown timeout. */
  @Override
  public Future<?> stop() {
    return server.shutdown(config.http().getInteger("shutdown_timeout_seconds"), TimeUnit.SECONDS)
      .eventually(() -> Future.all(beside.stream().map(HttpServer::close).toList()));
  }
}
