package red.sessions.vyoma.meetings;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.chimesdkmeetings.ChimeSdkMeetingsAsyncClient;
import software.amazon.awssdk.services.chimesdkmeetings.ChimeSdkMeetingsAsyncClientBuilder;
import software.amazon.awssdk.services.chimesdkmeetings.model.LimitExceededException;
import software.amazon.awssdk.services.chimesdkmeetings.model.NotFoundException;
import software.amazon.awssdk.services.chimesdkmeetings.model.ServiceFailureException;
import software.amazon.awssdk.services.chimesdkmeetings.model.ServiceUnavailableException;
import software.amazon.awssdk.services.chimesdkmeetings.model.ThrottlingException;

import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Amazon Chime SDK Meetings through the AWS SDK's async client, called as {@link ChimeCalls} says (credentials from
 * the default chain): throttling, transient failures and silent attempts retried with backoff; what still fails
 * becomes 503, a refusal 502, never AWS internals in a response.
 */
final class ChimeMeetingProvider implements MeetingProvider {

  private static final Logger LOG = LoggerFactory.getLogger(ChimeMeetingProvider.class);

  private final ChimeSdkMeetingsAsyncClient client;
  private final ChimeCalls calls;
  private final String mediaRegion;
  private final int maxAttendees;

  ChimeMeetingProvider(Context context, JsonObject config) {
    this.mediaRegion = config.getString("media_region");
    this.maxAttendees = config.getInteger("max_attendees");
    this.calls = new ChimeCalls(context, config);
    ChimeSdkMeetingsAsyncClientBuilder builder = ChimeCalls.configure(ChimeSdkMeetingsAsyncClient.builder(), config);
    String endpoint = config.getString("endpoint", "");
    if (!endpoint.isBlank()) {
      builder.endpointOverride(URI.create(endpoint));
    }
    this.client = builder.build();
  }

  @Override
  public Future<JsonObject> createMeeting(String externalMeetingId, String clientRequestToken) {
    return call(() -> client.createMeeting(request -> request
        .externalMeetingId(externalMeetingId)
        .clientRequestToken(clientRequestToken)
        .mediaRegion(mediaRegion)
        .meetingFeatures(features -> features.attendee(attendee -> attendee.maxCount(maxAttendees)))))
      .map(response -> AwsJson.toJson(response.meeting()));
  }

  @Override
  public Future<Boolean> meetingExists(String meetingId) {
    return call(() -> client.getMeeting(request -> request.meetingId(meetingId)))
      .map(response -> true)
      .recover(failure -> failure instanceof MeetingGoneException ? Future.succeededFuture(false) : Future.failedFuture(failure));
  }

  @Override
  public Future<Void> deleteMeeting(String meetingId) {
    return call(() -> client.deleteMeeting(request -> request.meetingId(meetingId)))
      .<Void>mapEmpty()
      .recover(failure -> failure instanceof MeetingGoneException ? Future.succeededFuture() : Future.failedFuture(failure));
  }

  @Override
  public Future<JsonObject> createAttendee(String meetingId, String externalUserId) {
    return call(() -> client.createAttendee(request -> request.meetingId(meetingId).externalUserId(externalUserId)))
      .map(response -> AwsJson.toJson(response.attendee()));
  }

  @Override
  public Future<Set<String>> attachedUsers(String meetingId) {
    return call(() -> {
        Set<String> attached = ConcurrentHashMap.newKeySet();
        return client.listAttendeesPaginator(request -> request.meetingId(meetingId))
          .subscribe(page -> page.attendees().forEach(attendee -> attached.add(attendee.externalUserId())))
          .thenApply(v -> Set.copyOf(attached));
      })
      .recover(failure -> failure instanceof MeetingGoneException ? Future.succeededFuture(Set.of()) : Future.failedFuture(failure));
  }

  /** Runs the SDK call, retried, its outcome on the verticle's context, translated. */
  private <T> Future<T> call(Supplier<CompletableFuture<T>> request) {
    return calls.call(request).recover(failure -> Future.failedFuture(translate(failure)));
  }

  private static RuntimeException translate(Throwable failure) {
    Throwable cause = AwsFailures.cause(failure);
    if (cause instanceof NotFoundException) {
      return new MeetingGoneException();
    }
    return AwsFailures.translate(cause, "meeting", cause instanceof ThrottlingException
      || cause instanceof LimitExceededException || cause instanceof ServiceUnavailableException
      || cause instanceof ServiceFailureException, LOG);
  }

  @Override
  public String name() {
    return "chime";
  }

  /** Blocks while the SDK's HTTP client winds down: call it from a worker thread. */
  @Override
  public void close() {
    client.close();
  }
}
