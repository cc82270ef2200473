package red.sessions.vyoma.support;

import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Amazon SQS in this JVM: ElasticMQ's SQS server on a free port of 127.0.0.1, reached by the AWS SDK as SQS
 * itself, with standard queues (at-least-once, no order promised). Tests put messages on a queue and read how
 * many are left through an SDK client of their own; ElasticMQ does not check signatures, and the SDK signs with
 * the credentials {@link FakeChime} gives its default chain.
 */
public final class ElasticMqServer implements AutoCloseable {

  private final SQSRestServer server;
  private final String endpoint;
  private final SqsAsyncClient client;

  private ElasticMqServer(SQSRestServer server, String endpoint) {
    this.server = server;
    this.endpoint = endpoint;
    S3ProxyServer.useCredentials();
    this.client = SqsAsyncClient.builder().region(Region.US_EAST_1).endpointOverride(URI.create(endpoint)).build();
  }

  public static ElasticMqServer start() {
    int port = TestServer.freePort();
    SQSRestServer server = SQSRestServerBuilder.withInterface("127.0.0.1").withPort(port).start();
    server.waitUntilStarted();
    return new ElasticMqServer(server, "http://127.0.0.1:" + port);
  }

  public String endpoint() {
    return endpoint;
  }

  /** Creates a standard queue; answers its URL. */
  public String createQueue(String name) {
    return client.createQueue(request -> request.queueName(name)).join().queueUrl();
  }

  /**
   * Creates a standard queue whose messages, once taken, come back after {@code visibility} unless deleted; answers
   * its URL.
   */
  public String createQueue(String name, Duration visibility) {
    return client.createQueue(request -> request.queueName(name).attributes(Map.of(
      QueueAttributeName.VISIBILITY_TIMEOUT, Long.toString(visibility.toSeconds())))).join().queueUrl();
  }

  public void send(String queueUrl, String body) {
    client.sendMessage(request -> request.queueUrl(queueUrl).messageBody(body)).join();
  }

  /** Messages still on the queue, waiting or taken and not yet deleted. */
  public int pending(String queueUrl) {
    Map<String, String> attributes = client.getQueueAttributes(request -> request.queueUrl(queueUrl)
        .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
          QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
      .join().attributesAsStrings();
    return Integer.parseInt(attributes.get("ApproximateNumberOfMessages"))
      + Integer.parseInt(attributes.get("ApproximateNumberOfMessagesNotVisible"));
  }

  @Override
  public void close() {
    client.close();
    server.stopAndWait();
  }
}
