package red.sessions.vyoma.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;
import red.sessions.vyoma.platform.AppConfig;
import red.sessions.vyoma.platform.Metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * The sockets a node listens on: the API server (HTTPS with HTTP/2 when {@code tls.cert} and {@code tls.key}
 * name PEM files, plain HTTP otherwise) and the servers beside it that the configuration asks for: a plain
 * HTTP listener redirecting to HTTPS ({@code tls.redirect_port}) and a metrics-only server
 * ({@code metrics.port}).
 */
public final class Listeners {

  public static final String METRICS_PATH = "/metrics";

  private Listeners() {
  }

  public static HttpServerOptions api(AppConfig config) {
    JsonObject http = config.http();
    HttpServerOptions options = new HttpServerOptions()
      .setHost(http.getString("host"))
      .setPort(http.getInteger("port"));
    if (tls(config)) {
      options.setSsl(true)
        .setKeyCertOptions(new PemKeyCertOptions()
          .setCertPath(config.tls().getString("cert"))
          .setKeyPath(config.tls().getString("key")))
        .setUseAlpn(true)
        .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1));
    }
    return options;
  }

  /** Whether the API is served over HTTPS: both PEM files are named. One without the other is a mistake. */
  static boolean tls(AppConfig config) {
    boolean cert = !config.tls().getString("cert").isBlank();
    boolean key = !config.tls().getString("key").isBlank();
    if (cert != key) {
      throw new IllegalArgumentException("tls.cert and tls.key go together: name both PEM files, or neither");
    }
    return cert;
  }

  /** The URL the API is served at, for the startup log. */
  public static String apiUrl(AppConfig config) {
    return (tls(config) ? "https" : "http") + "://" + config.http().getString("host") + ":" + config.http().getInteger("port");
  }

  /** Starts the redirect and metrics servers the configuration asks for; none by default. */
  public static Future<List<HttpServer>> besideApi(Vertx vertx, AppConfig config) {
    List<Future<HttpServer>> started = new ArrayList<>();
    int redirectPort = config.tls().getInteger("redirect_port");
    if (redirectPort > 0) {
      if (!tls(config)) {
        return Future.failedFuture(new IllegalArgumentException("tls.redirect_port redirects to HTTPS: it needs tls.cert and tls.key"));
      }
      int httpsPort = config.http().getInteger("port");
      started.add(vertx.createHttpServer(plain(config, redirectPort))
        .requestHandler(request -> redirectToHttps(request, httpsPort))
        .listen());
    }
    int metricsPort = config.metrics().getInteger("port");
    Metrics.prometheus(vertx).filter(registry -> metricsPort > 0).ifPresent(registry -> started.add(
      vertx.createHttpServer(plain(config, metricsPort))
        .requestHandler(metricsOnly(vertx, config, registry))
        .listen()));
    return Future.all(started).map(all -> all.<HttpServer>list());
  }

  /**
   * {@code GET /metrics} alone, with the API's request ids and error shape: any other path is a 404 (another
   * method a 405) in the shape every error of the server has.
   */
  private static Router metricsOnly(Vertx vertx, AppConfig config, PrometheusMeterRegistry registry) {
    ErrorResponses errors = new ErrorResponses(config.http().getLong("body_limit_bytes"));
    Router router = Router.router(vertx);
    router.route().handler(RequestIds::assign).failureHandler(errors::handle);
    router.get(METRICS_PATH).handler(PrometheusScrapingHandler.create(registry));
    router.errorHandler(404, errors::handle);
    router.errorHandler(405, errors::handle);
    return router;
  }

  private static HttpServerOptions plain(AppConfig config, int port) {
    return new HttpServerOptions().setHost(config.http().getString("host")).setPort(port);
  }

  /**
   * The same URL over HTTPS, as 308 so that a method and its body are kept (a 301 lets clients turn a POST
   * into a GET). The host is the one the client asked for; the port is the HTTPS one.
   */
  private static void redirectToHttps(HttpServerRequest request, int httpsPort) {
    HostAndPort authority = request.authority();
    String host = authority != null ? authority.host() : "localhost";
    if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    String port = httpsPort == 443 ? "" : ":" + httpsPort;
    String query = request.query() != null ? "?" + request.query() : "";
    request.response()
      .setStatusCode(308)
      .putHeader(HttpHeaders.LOCATION, "https://" + host + port + request.path() + query)
      .putHeader(HttpHeaders.CONTENT_LENGTH, "0")
      .end();
  }
}
