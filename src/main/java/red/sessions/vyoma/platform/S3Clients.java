package red.sessions.vyoma.platform;

import io.vertx.core.json.JsonObject;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.net.URI;

/**
 * The S3 clients every part that reaches S3 builds alike, from the {@code storage} section ({@code s3_region},
 * {@code s3_endpoint}, {@code s3_path_style}; credentials from the default chain): the async client for calls,
 * and the presigner, which signs URLs locally. Whoever opens them closes them.
 */
public record S3Clients(S3AsyncClient client, S3Presigner presigner) implements AutoCloseable {

  public static S3Clients open(JsonObject storageConfig) {
    Region region = Region.of(storageConfig.getString("s3_region"));
    boolean pathStyle = storageConfig.getBoolean("s3_path_style");
    String endpoint = storageConfig.getString("s3_endpoint", "");
    S3Presigner.Builder presigner = S3Presigner.builder()
      .region(region)
      .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(pathStyle).build());
    S3AsyncClientBuilder client = S3AsyncClient.builder().region(region).forcePathStyle(pathStyle);
    if (!endpoint.isBlank()) {
      presigner.endpointOverride(URI.create(endpoint));
      client.endpointOverride(URI.create(endpoint));
    }
    return new S3Clients(client.build(), presigner.build());
  }

  /** Blocks while the async client's HTTP client winds down: call it from a worker thread. */
  @Override
  public void close() {
    client.close();
    presigner.close();
  }
}
