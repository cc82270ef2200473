package red.sessions.vyoma.meetings;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.chimesdkmediapipelines.ChimeSdkMediaPipelinesAsyncClient;
import software.amazon.awssdk.services.chimesdkmediapipelines.ChimeSdkMediaPipelinesAsyncClientBuilder;
import software.amazon.awssdk.services.chimesdkmediapipelines.model.MediaPipelineSinkType;
import software.amazon.awssdk.services.chimesdkmediapipelines.model.MediaPipelineSourceType;
import software.amazon.awssdk.services.chimesdkmediapipelines.model.NotFoundException;

import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Recording a Chime meeting into S3: Amazon Chime SDK Media Pipelines' media capture pipelines, through the AWS
 * SDK's async client, called as the meetings' client is ({@link ChimeCalls}: region {@code meetings.region}, the
 * timeouts and retries of {@code meetings.*}, the default credential chain), its endpoint {@code recordings.endpoint}
 * when set.
 * What fails becomes 503 when the service is throttling or down, 502 when it refused, never AWS internals.
 */
final class MediaCapture {

  private static final Logger LOG = LoggerFactory.getLogger(MediaCapture.class);

  private final ChimeSdkMediaPipelinesAsyncClient client;
  private final ChimeCalls calls;
  private final String bucket;

  /**
   * @param meetings   the {@code meetings} section
   * @param recordings the {@code recordings} section
   */
  MediaCapture(Context context, JsonObject meetings, JsonObject recordings) {
    this.bucket = recordings.getString("bucket");
    this.calls = new ChimeCalls(context, meetings);
    ChimeSdkMediaPipelinesAsyncClientBuilder builder =
      ChimeCalls.configure(ChimeSdkMediaPipelinesAsyncClient.builder(), meetings);
    String endpoint = recordings.getString("endpoint");
    if (!endpoint.isBlank()) {
      builder.endpointOverride(URI.create(endpoint));
    }
    this.client = builder.build();
  }

  /** Where a session's captures go in the bucket: {@code recordings/<session_id>/}, one folder per capture below. */
  static String prefix(UUID sessionId) {
    return "recordings/" + sessionId + "/";
  }

  /**
   * Starts capturing the meeting into {@code <prefix>/<capture>/} of the bucket; the pipeline's id. The same
   * session and capture number ask for the same pipeline (the request token), so simultaneous starts share one.
   */
  Future<String> start(Meeting meeting, int capture) {
    String sink = "arn:aws:s3:::" + bucket + "/" + prefix(meeting.sessionId()) + capture;
    return call(() -> client.createMediaCapturePipeline(request -> request
        .sourceType(MediaPipelineSourceType.CHIME_SDK_MEETING)
        .sourceArn(meeting.meetingData().getString("MeetingArn"))
        .sinkType(MediaPipelineSinkType.S3_BUCKET)
        .sinkArn(sink)
        .clientRequestToken(meeting.sessionId() + "-" + capture)))
      .map(response -> response.mediaCapturePipeline().mediaPipelineId());
  }

  /** Stops the capture; one Chime no longer knows (it stopped with its meeting) counts as stopped. */
  Future<Void> stop(String recordingId) {
    return call(() -> client.deleteMediaCapturePipeline(request -> request.mediaPipelineId(recordingId)))
      .<Void>mapEmpty()
      .recover(failure -> failure instanceof NotFoundException ? Future.succeededFuture() : Future.failedFuture(failure));
  }

  private <T> Future<T> call(Supplier<CompletableFuture<T>> request) {
    return calls.call(request).recover(failure -> Future.failedFuture(translate(failure)));
  }

  private static Throwable translate(Throwable failure) {
    Throwable cause = AwsFailures.cause(failure);
    return cause instanceof NotFoundException ? cause : AwsFailures.translate(cause, "recording", false, LOG);
  }

  /** Blocks while the SDK's HTTP client winds down: call it from a worker thread. */
  void close() {
    client.close();
  }
}
