package red.sessions.vyoma.platform;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The server's configuration: {@code conf/config.json} holds every key with its default, an optional
 * file named by {@code --conf} overrides it, and {@code VYOMA_*} environment variables win over both.
 * An environment variable exists for every key of the defaults: {@code http.port} is
 * {@code VYOMA_HTTP_PORT}; its value is parsed as the default's type (lists are comma-separated). A key
 * whose default derives from others ({@code storage.base_url}, {@code calendars.base_url},
 * {@code calendars.uid_host}) is left empty in the defaults and filled in last, from the values that won.
 */
public final class AppConfig {

  public static final String DEFAULTS = "conf/config.json";
  private static final String ENV_PREFIX = "VYOMA_";

  private final JsonObject json;

  private AppConfig(JsonObject json) {
    this.json = json;
  }

  public static Future<AppConfig> load(Vertx vertx, String overrideFile, Map<String, String> env) {
    ConfigRetrieverOptions options = new ConfigRetrieverOptions()
      .setScanPeriod(0)
      .setIncludeDefaultStores(false)
      .addStore(fileStore(DEFAULTS));
    if (overrideFile != null) {
      options.addStore(fileStore(overrideFile));
    }
    ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
    return retriever.getConfig()
      .eventually(retriever::close)
      .map(fromFiles -> new AppConfig(withDerivedDefaults(withEnvironment(fromFiles, env, ""))));
  }

  /**
   * Loads the configuration before the Vert.x that serves exists, since that one is built from it
   * ({@link #vertxOptions()}): a short-lived Vert.x reads the files. Blocks; not for an event loop.
   */
  public static AppConfig loadBeforeVertx(String overrideFile, Map<String, String> env) {
    Vertx reader = Vertx.vertx();
    try {
      return load(reader, overrideFile, env).await();
    } finally {
      reader.close().await();
    }
  }

  private static ConfigStoreOptions fileStore(String path) {
    return new ConfigStoreOptions().setType("file").setFormat("json").setConfig(new JsonObject().put("path", path));
  }

  private static JsonObject withEnvironment(JsonObject config, Map<String, String> env, String prefix) {
    JsonObject result = config.copy();
    for (String key : config.fieldNames()) {
      Object current = config.getValue(key);
      String name = prefix.isEmpty() ? key : prefix + "_" + key;
      if (current instanceof JsonObject nested) {
        result.put(key, withEnvironment(nested, env, name));
        continue;
      }
      String variable = ENV_PREFIX + name.toUpperCase(Locale.ROOT);
      String value = env.get(variable);
      if (value != null) {
        result.put(key, parse(variable, value, current));
      }
    }
    return result;
  }

  /**
   * {@code storage.base_url}, {@code calendars.base_url} and {@code mail.public_url}, when not set, are this server
   * itself: {@code https} when a certificate is configured, the listening host ({@code localhost} for a wildcard
   * address) and the HTTP port, so the upload, file, feed and unsubscribe URLs of a server moved to another port point
   * at it. {@code calendars.uid_host}, when not set, is the host of {@code calendars.base_url}.
   */
  private static JsonObject withDerivedDefaults(JsonObject config) {
    JsonObject http = config.getJsonObject("http");
    String scheme = config.getJsonObject("tls").getString("cert").isBlank() ? "http" : "https";
    String itself = scheme + "://" + urlHost(http.getString("host")) + ":" + http.getInteger("port");
    JsonObject storage = config.getJsonObject("storage");
    if (storage.getString("base_url").isBlank()) {
      storage.put("base_url", itself + "/files/");
    }
    JsonObject calendars = config.getJsonObject("calendars");
    if (calendars.getString("base_url").isBlank()) {
      calendars.put("base_url", itself);
    }
    if (calendars.getString("uid_host").isBlank()) {
      calendars.put("uid_host", uidHost(calendars.getString("base_url")));
    }
    JsonObject mail = config.getJsonObject("mail");
    if (mail.getString("public_url").isBlank()) {
      mail.put("public_url", itself);
    }
    return config;
  }

  /** The host of the feeds' base URL, which names the events' UIDs unless {@code calendars.uid_host} does. */
  private static String uidHost(String baseUrl) {
    String host = URI.create(baseUrl).getHost();
    if (host == null) {
      throw new IllegalArgumentException("calendars.base_url must be an absolute URL: " + baseUrl);
    }
    return host;
  }

  /** The host as a URL names it: a wildcard listening address is reached as {@code localhost}; IPv6 in brackets. */
  private static String urlHost(String host) {
    if (host.isBlank() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
      return "localhost";
    }
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  private static Object parse(String variable, String value, Object current) {
    try {
      if (current instanceof Integer || current instanceof Long) {
        return Long.parseLong(value.trim());
      }
      if (current instanceof Boolean) {
        if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
          throw new IllegalArgumentException("expected true or false");
        }
        return Boolean.parseBoolean(value);
      }
      if (current instanceof JsonArray) {
        List<String> items = new ArrayList<>();
        Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(items::add);
        return new JsonArray(new ArrayList<>(items));
      }
      return value;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(variable + "=" + value + " is not valid: " + e.getMessage(), e);
    }
  }

  public JsonObject json() {
    return json;
  }

  public Path dataDir() {
    return Path.of(json.getString("data_dir")).toAbsolutePath().normalize();
  }

  public JsonObject http() {
    return json.getJsonObject("http");
  }

  public JsonObject db() {
    return json.getJsonObject("db");
  }

  public JsonObject domain() {
    return json.getJsonObject("domain");
  }

  public JsonObject bookings() {
    return json.getJsonObject("bookings");
  }

  public JsonObject series() {
    return json.getJsonObject("series");
  }

  public JsonObject packages() {
    return json.getJsonObject("packages");
  }

  public JsonObject events() {
    return json.getJsonObject("events");
  }

  public JsonObject calendars() {
    return json.getJsonObject("calendars");
  }

  public JsonObject webhooks() {
    return json.getJsonObject("webhooks");
  }

  public JsonObject notifications() {
    return json.getJsonObject("notifications");
  }

  public JsonObject exports() {
    return json.getJsonObject("exports");
  }

  public JsonObject mail() {
    return json.getJsonObject("mail");
  }

  public JsonObject auth() {
    return json.getJsonObject("auth");
  }

  public JsonObject meetings() {
    return json.getJsonObject("meetings");
  }

  public JsonObject cluster() {
    return json.getJsonObject("cluster");
  }

  public JsonObject recordings() {
    return json.getJsonObject("recordings");
  }

  public JsonObject storage() {
    return json.getJsonObject("storage");
  }

  public JsonObject erasures() {
    return json.getJsonObject("erasures");
  }

  public JsonObject metrics() {
    return json.getJsonObject("metrics");
  }

  public JsonObject cors() {
    return json.getJsonObject("cors");
  }

  public JsonObject tls() {
    return json.getJsonObject("tls");
  }

  public JsonObject retention() {
    return json.getJsonObject("retention");
  }

  public JsonObject rateLimits() {
    return json.getJsonObject("rate_limits");
  }

  /** How every Vert.x that serves is built (single node, clustered, tests): with metrics when they are on. */
  public VertxOptions vertxOptions() {
    return new VertxOptions().setMetricsOptions(Metrics.options(metrics()));
  }

  /**
   * Instances of the HTTP verticle: the configured number, or one per event loop of the Vert.x {@link #vertxOptions}
   * builds (two per core) when it is 0, so that every loop takes connections. With one per core, half the loops took
   * none, and a request waited longer behind a loop the system had paused (bench/README.md, "the profile read's
   * tail").
   */
  public int httpInstances() {
    return instances(http(), vertxOptions().getEventLoopPoolSize());
  }

  /** Instances of each domain's worker verticle: the configured number, or one per core when it is 0. */
  public int domainInstances() {
    return instances(domain(), Runtime.getRuntime().availableProcessors());
  }

  private static int instances(JsonObject section, int otherwise) {
    int configured = section.getInteger("instances", 0);
    return configured > 0 ? configured : otherwise;
  }
}
