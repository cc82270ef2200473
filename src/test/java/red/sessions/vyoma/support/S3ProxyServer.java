package red.sessions.vyoma.support;

import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * An S3-compatible store in this JVM: S3Proxy over an in-memory blob store, on a free port of 127.0.0.1,
 * checking AWS signatures (V2 or V4, header or pre-signed query) with the credentials the AWS SDK's
 * default chain is given here through the {@code aws.accessKeyId} / {@code aws.secretAccessKey} system
 * properties. The credentials are {@link FakeChime}'s, so servers started for either fake sign correctly
 * whichever started last.
 */
public final class S3ProxyServer implements AutoCloseable {

  public static final String ACCESS_KEY_ID = FakeChime.ACCESS_KEY_ID;
  public static final String SECRET_ACCESS_KEY = FakeChime.SECRET_ACCESS_KEY;
  public static final String REGION = "us-east-1";

  private final S3Proxy proxy;
  private final BlobStore blobStore;
  private final String endpoint;
  private final String bucket;

  private S3ProxyServer(S3Proxy proxy, BlobStore blobStore, String endpoint, String bucket) {
    this.proxy = proxy;
    this.blobStore = blobStore;
    this.endpoint = endpoint;
    this.bucket = bucket;
  }

  /** Starts S3Proxy with one empty bucket, and points the SDK's default credential chain at its credentials. */
  public static S3ProxyServer start(String bucket) {
    useCredentials();
    BlobStore blobStore = new TransientNio2BlobStore();
    blobStore.createContainer(bucket);
    String endpoint = "http://127.0.0.1:" + TestServer.freePort();
    S3Proxy proxy = S3Proxy.builder()
      .blobStore(blobStore)
      .endpoint(URI.create(endpoint))
      .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY_ID, SECRET_ACCESS_KEY)
      .build();
    try {
      proxy.start();
      String state = Wait.poll(Duration.ofSeconds(10), Duration.ofMillis(10), proxy::getState, "STARTED"::equals);
      if (!"STARTED".equals(state)) {
        throw new IllegalStateException("S3Proxy did not start: " + state);
      }
    } catch (Exception e) {
      blobStore.close();
      throw new IllegalStateException("S3Proxy did not start", e);
    }
    return new S3ProxyServer(proxy, blobStore, endpoint, bucket);
  }

  /** Sets the system properties the AWS SDK's default credential chain reads first. */
  public static void useCredentials() {
    System.setProperty("aws.accessKeyId", ACCESS_KEY_ID);
    System.setProperty("aws.secretAccessKey", SECRET_ACCESS_KEY);
  }

  /** {@code http://127.0.0.1:<port>}, with no trailing slash. */
  public String endpoint() {
    return endpoint;
  }

  public String bucket() {
    return bucket;
  }

  /** The {@code VYOMA_STORAGE_*} settings for a server that stores its files here. */
  public Map<String, String> storageSettings() {
    return Map.of(
      "VYOMA_STORAGE_PROVIDER", "s3",
      "VYOMA_STORAGE_S3_ENDPOINT", endpoint,
      "VYOMA_STORAGE_S3_PATH_STYLE", "true",
      "VYOMA_STORAGE_S3_BUCKET", bucket,
      "VYOMA_STORAGE_S3_REGION", REGION);
  }

  public boolean exists(String key) {
    return blobStore.blobExists(bucket, key);
  }

  /** Stores the object in the blob store directly (not through S3), as a writer other than the server would. */
  public void put(String key, byte[] bytes, String contentType) {
    blobStore.putBlob(PutObjectRequest.builder().bucket(bucket).key(key).contentType(contentType)
      .contentLength((long) bytes.length).build(), new ByteArrayInputStream(bytes));
  }

  /** The object's bytes and metadata, read from the blob store directly (not through S3). */
  public StoredObject object(String key) {
    try (ResponseInputStream<GetObjectResponse> in = blobStore.getBlob(bucket, key)) {
      return new StoredObject(in.readAllBytes(), in.response().contentType());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An object as the blob store holds it. */
  public record StoredObject(byte[] bytes, String contentType) {
  }

  @Override
  public void close() {
    try {
      proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException("S3Proxy did not stop", e);
    } finally {
      blobStore.close();
    }
  }
}
