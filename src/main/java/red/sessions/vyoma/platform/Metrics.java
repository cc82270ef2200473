package red.sessions.vyoma.platform;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.metrics.MetricsOptions;
import io.vertx.core.spi.metrics.MetricsProvider;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.impl.MicrometerMetrics;

import java.util.EnumSet;
import java.util.Optional;
import java.util.UUID;

/**
 * Prometheus metrics through Vert.x's Micrometer integration: the PostgreSQL pool, the event bus by address,
 * the HTTP clients, the JVM, and the meters the server adds: the API's requests ({@code RequestMetrics}, in place
 * of Vert.x's HTTP server metrics, which are off) and the domains' counters. Each Vert.x instance gets a registry
 * of its own, so servers sharing a JVM (the tests) never mix their counts, and the registry goes away when its
 * Vert.x closes.
 */
public final class Metrics {

  /** Labels with a bounded set of values only: route templates, never paths with ids; no client addresses. */
  private static final EnumSet<Label> LABELS = EnumSet.of(Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE,
    Label.POOL_TYPE, Label.POOL_NAME, Label.EB_ADDRESS, Label.EB_SIDE, Label.EB_FAILURE);

  private Metrics() {
  }

  /** The metrics part of the {@code VertxOptions} a node is built with, from the {@code metrics} section. */
  static MetricsOptions options(JsonObject metrics) {
    if (!metrics.getBoolean("enabled")) {
      return new MetricsOptions().setEnabled(false);
    }
    return new MicrometerMetricsOptions()
      .setEnabled(true)
      .setRegistryName("vyoma-" + UUID.randomUUID())
      .setLabels(LABELS)
      .addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER)
      .setJvmMetricsEnabled(true)
      .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true).setPublishQuantiles(true));
  }

  /**
   * The Prometheus registry of a Vert.x built with {@link AppConfig#vertxOptions()}; empty when metrics are
   * off. Found the way vertx-micrometer's own {@code MetricsService} finds it, through the instance's metrics SPI.
   */
  public static Optional<PrometheusMeterRegistry> prometheus(Vertx vertx) {
    if (vertx instanceof MetricsProvider provider && provider.getMetrics() instanceof MicrometerMetrics micrometer
      && micrometer.registry() instanceof PrometheusMeterRegistry prometheus) {
      return Optional.of(prometheus);
    }
    return Optional.empty();
  }

  /** Where to register a meter: the instance's registry, or one that keeps nothing when metrics are off. */
  public static MeterRegistry registry(Vertx vertx) {
    return prometheus(vertx).<MeterRegistry>map(registry -> registry).orElseGet(CompositeMeterRegistry::new);
  }
}
