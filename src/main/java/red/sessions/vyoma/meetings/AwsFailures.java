package red.sessions.vyoma.meetings;

import org.slf4j.Logger;
import red.sessions.vyoma.bus.DomainException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

import java.util.concurrent.CompletionException;

/**
 * What an AWS SDK call's failure becomes, for the Chime clients alike: 503 when the service is throttling, down or
 * unreachable, 502 when it refused the request, never AWS internals in the answer.
 */
final class AwsFailures {

  private AwsFailures() {
  }

  /** The SDK's own exception, out of the {@code CompletionException} its future failed with. */
  static Throwable cause(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
  }

  /**
   * @param service     the service as the answer names it ("meeting", "recording")
   * @param unavailable whether the caller already knows the cause for one of its service's outages
   */
  static RuntimeException translate(Throwable cause, String service, boolean unavailable, Logger log) {
    if (unavailable || cause instanceof SdkClientException
      || cause instanceof AwsServiceException aws && (aws.isThrottlingException() || aws.statusCode() >= 500)) {
      log.warn("The {} service is unavailable: {}", service, cause.toString());
      return new DomainException(DomainException.Reason.DEPENDENCY_UNAVAILABLE,
        "the " + service + " service is busy or unavailable; try again shortly");
    }
    if (cause instanceof AwsServiceException refused) {
      log.error("The {} service refused a request: {} {}", service, refused.statusCode(),
        refused.awsErrorDetails().errorCode(), refused);
      return new DomainException(DomainException.Reason.DEPENDENCY_REFUSED, "the " + service + " service refused the request");
    }
    return cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
  }
}
