package red.sessions.vyoma.meetings;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.AcquireInitialTokenRequest;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RecordSuccessRequest;
import software.amazon.awssdk.retries.api.RefreshRetryTokenRequest;
import software.amazon.awssdk.retries.api.RefreshRetryTokenResponse;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.retries.api.RetryToken;
import software.amazon.awssdk.retries.api.TokenAcquisitionFailedException;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * How the server calls Chime (its meetings and its media pipelines), from the {@code meetings} section: a call may
 * take {@code call_timeout_ms}, retries included; each attempt {@code attempt_timeout_ms}; up to {@code max_attempts}
 * of them, throttling, 5xx and attempts that timed out retried under the AWS SDK's standard strategy, after a random
 * wait of up to {@code retry_delay_ms}, doubling with each retry (at most 2 s; twice as long, at most 5 s, after
 * throttling).
 * <p>
 * Each attempt is an SDK call of its own, the clients built not to retry. Within one SDK call the attempts share a
 * response handler, and a timed-out attempt's cancellation reaches it late, through the connection's event loop: once
 * the next attempt has begun, that late failure fails it too, and the call ends with attempts left (a Chime that did
 * not answer once failed a join instead of having it retried).
 */
final class ChimeCalls {

  private final Context context;
  private final RetryStrategy strategy;
  private final long callTimeoutMs;

  ChimeCalls(Context context, JsonObject meetings) {
    long retryDelayMs = meetings.getLong("retry_delay_ms");
    if (retryDelayMs < 0) {
      throw new IllegalArgumentException("meetings.retry_delay_ms must not be negative");
    }
    this.context = context;
    this.callTimeoutMs = meetings.getLong("call_timeout_ms");
    if (callTimeoutMs <= 0) {
      throw new IllegalArgumentException("meetings.call_timeout_ms must be positive");
    }
    this.strategy = AwsRetryStrategy.standardRetryStrategy().toBuilder()
      .maxAttempts(meetings.getInteger("max_attempts"))
      .backoffStrategy(backoff(Duration.ofMillis(retryDelayMs), Duration.ofSeconds(2)))
      .throttlingBackoffStrategy(backoff(Duration.ofMillis(2 * retryDelayMs), Duration.ofSeconds(5)))
      .circuitBreakerEnabled(false)
      .build();
  }

  /** A client of a Chime API: the region of {@code meetings}; one attempt a call, within {@code attempt_timeout_ms}. */
  static <B extends AwsClientBuilder<B, ?>> B configure(B builder, JsonObject meetings) {
    return builder.region(Region.of(meetings.getString("region")))
      .overrideConfiguration(override -> override
        .apiCallAttemptTimeout(Duration.ofMillis(meetings.getLong("attempt_timeout_ms")))
        .retryStrategy(AwsRetryStrategy.doNotRetry()));
  }

  /**
   * Runs the call's attempts until one succeeds, the strategy gives up or the call's time is over; answers on this
   * object's context with the result, or with the last attempt's failure as the SDK raised it.
   */
  <T> Future<T> call(Supplier<CompletableFuture<T>> attempt) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(callTimeoutMs);
    return attempt(attempt, strategy.acquireInitialToken(AcquireInitialTokenRequest.create("chime")).token(), deadline)
      .timeout(callTimeoutMs, TimeUnit.MILLISECONDS)
      .recover(failure -> Future.failedFuture(
        failure instanceof TimeoutException ? ApiCallTimeoutException.create(callTimeoutMs) : failure));
  }

  private <T> Future<T> attempt(Supplier<CompletableFuture<T>> attempt, RetryToken token, long deadline) {
    return Future.fromCompletionStage(attempt.get(), context)
      .onSuccess(result -> strategy.recordSuccess(RecordSuccessRequest.create(token)))
      .recover(failure -> {
        Throwable cause = AwsFailures.cause(failure);
        RefreshRetryTokenResponse retry;
        try {
          retry = strategy.refreshRetryToken(RefreshRetryTokenRequest.builder().token(token).failure(cause).build());
        } catch (TokenAcquisitionFailedException refused) {
          return Future.failedFuture(cause);
        }
        long delayMs = retry.delay().toMillis();
        if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs) >= deadline) {
          return Future.failedFuture(cause); // the call's time is over before the retry would start
        }
        Future<?> wait = delayMs == 0 ? Future.succeededFuture() : context.owner().timer(delayMs);
        return wait.compose(waited -> attempt(attempt, retry.token(), deadline));
      });
  }

  private static BackoffStrategy backoff(Duration base, Duration max) {
    return base.isZero() ? BackoffStrategy.retryImmediately() : BackoffStrategy.exponentialDelay(base, max);
  }
}
