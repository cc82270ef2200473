package red.sessions.vyoma.meetings;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import red.sessions.vyoma.platform.Cluster;
import red.sessions.vyoma.platform.Metrics;
import red.sessions.vyoma.sessions.SessionParties;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClientBuilder;
import software.amazon.awssdk.services.sqs.model.Message;

import java.net.URI;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Follows Chime's meeting events, which an EventBridge rule sends to a standard SQS queue
 * ({@code meetings.events.queue_url}): each node long-polls the queue, records each event's presence
 * ({@link MeetingStore#presence}) or the meeting's end (as {@code DELETE /meetings} does), and deletes a message
 * only once its effect has committed, so a node that dies mid-way leaves it to come back to another. Events
 * are recorded once by their id, so a message delivered twice, or to two nodes, changes things once. A body
 * that is no event is logged and deleted (never retried forever); events of types not followed, and of meetings
 * or attendees the server did not make, are dropped. Each outcome is counted
 * ({@code vyoma_meetings_events_total} by {@code outcome}).
 * On a timer, it also reconciles live meetings with someone present with Chime's list of who is still attached
 * (one node per meeting and interval). A worker verticle, so nothing here ever runs on an event loop; the SQS
 * client is the SDK's async one on the Netty HTTP client, as Chime's and S3's, so no thread waits out a long poll.
 */
public final class MeetingEventsVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(MeetingEventsVerticle.class);
  private static final int RECONCILE_BATCH = 100;
  private static final Duration RETRY_AFTER = Duration.ofSeconds(5);

  /** What became of a message. */
  enum Outcome {
    RECORDED, DUPLICATE, IGNORED, FOREIGN, MALFORMED;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Pool pool;
  private final JsonObject config;
  private final Cluster cluster;
  private final Map<Outcome, Counter> outcomes = new EnumMap<>(Outcome.class);
  private String queueUrl;
  private int waitSeconds;
  private MeetingStore store;
  private MeetingProvider provider;
  private MeetingDirectory directory;
  private SqsAsyncClient sqs;
  private volatile boolean running;
  private boolean reconciling;
  private long reconcileTimer = -1;
  private long retryTimer = -1;
  /** Completed when the poll loop has stopped: no receive in flight, nothing received left unhandled. */
  private final Promise<Void> idle = Promise.promise();

  /** @param cluster the cluster whose maps hold the meeting lookups; {@code null} for a single node */
  public MeetingEventsVerticle(Pool pool, JsonObject meetingsConfig, Cluster cluster) {
    this.pool = pool;
    this.config = meetingsConfig;
    this.cluster = cluster;
  }

  @Override
  public Future<?> start() {
    JsonObject events = config.getJsonObject("events");
    queueUrl = events.getString("queue_url");
    waitSeconds = events.getInteger("wait_seconds");
    long reconcileSeconds = events.getLong("reconcile_interval_seconds");
    if (waitSeconds < 0 || waitSeconds > 20 || reconcileSeconds <= 0) {
      throw new IllegalArgumentException(
        "meetings.events.wait_seconds must be 0 to 20 and meetings.events.reconcile_interval_seconds positive");
    }
    MeterRegistry meters = Metrics.registry(vertx);
    for (Outcome outcome : Outcome.values()) {
      outcomes.put(outcome, Counter.builder("vyoma.meetings.events")
        .description("Chime meeting events taken from the queue, by what became of them")
        .tag("outcome", outcome.label()).register(meters));
    }
    store = new MeetingStore(pool, true);
    provider = MeetingsVerticle.provider(context, config);
    SqsAsyncClientBuilder builder = SqsAsyncClient.builder()
      .region(Region.of(config.getString("region")))
      .overrideConfiguration(override -> override.apiCallAttemptTimeout(Duration.ofSeconds(waitSeconds + 10L)));
    String endpoint = events.getString("endpoint");
    if (!endpoint.isBlank()) {
      builder.endpointOverride(URI.create(endpoint));
    }
    sqs = builder.build();
    return MeetingDirectory.open(vertx, cluster, Duration.ofSeconds(config.getLong("lookup_ttl_seconds")))
      .onSuccess(opened -> {
        directory = opened;
        running = true;
        poll();
        reconcileTimer = vertx.setPeriodic(reconcileSeconds * 1000, id -> reconcile());
      });
  }

  /**
   * Lets the receive in flight come back (within {@code wait_seconds}) and its messages be handled before the
   * client closes. Cancelled instead, the receive may still be answered by SQS to a connection nobody reads: its
   * messages would stay invisible to every node for the queue's visibility timeout.
   */
  @Override
  public Future<?> stop() {
    boolean polling = running;
    running = false;
    vertx.cancelTimer(reconcileTimer);
    if (!polling || retryTimer != -1 && vertx.cancelTimer(retryTimer)) {
      idle.tryComplete();
    }
    return idle.future().transform(stopped -> vertx.executeBlocking(() -> {
      sqs.close();
      provider.close();
      return null;
    }));
  }

  /** One long poll, its messages handled one after another, then the next; after a failure, a pause. */
  private void poll() {
    if (!running) {
      idle.tryComplete();
      return;
    }
    Future.fromCompletionStage(sqs.receiveMessage(request -> request.queueUrl(queueUrl)
        .maxNumberOfMessages(10).waitTimeSeconds(waitSeconds)), context)
      .compose(received -> handleAll(received.messages(), 0))
      .onComplete(done -> {
        if (done.succeeded()) {
          poll();
        } else if (running) {
          LOG.warn("Could not take meeting events from the queue (next try in {} s): {}", RETRY_AFTER.toSeconds(),
            done.cause().toString());
          retryTimer = vertx.setTimer(RETRY_AFTER.toMillis(), id -> {
            retryTimer = -1;
            poll();
          });
        } else {
          idle.tryComplete();
        }
      });
  }

  private Future<Void> handleAll(List<Message> messages, int next) {
    if (next == messages.size()) {
      return Future.succeededFuture();
    }
    return handle(messages.get(next)).compose(v -> handleAll(messages, next + 1));
  }

  /** Handles the message and deletes it once its effect has committed; a failure leaves it to the queue. */
  private Future<Void> handle(Message message) {
    Future<Outcome> outcome;
    try {
      outcome = apply(ChimeEvent.parse(message.body()));
    } catch (IllegalArgumentException malformed) {
      LOG.warn("Dropped message {} of the meeting events queue: {}", message.messageId(), malformed.getMessage());
      outcome = Future.succeededFuture(Outcome.MALFORMED);
    }
    return outcome.compose(done -> Future.fromCompletionStage(sqs.deleteMessage(request -> request.queueUrl(queueUrl)
        .receiptHandle(message.receiptHandle())), context)
      .map(deleted -> {
        outcomes.get(done).increment();
        return null;
      }));
  }

  private Future<Outcome> apply(ChimeEvent event) {
    if (event.kind().isEmpty()) {
      return Future.succeededFuture(Outcome.IGNORED);
    }
    if (event.kind().get() == PresenceEvent.Kind.ENDED) {
      return ended(event);
    }
    return store.presence(event.meetingId(), event.externalUserId(), event::of).map(applied -> switch (applied) {
      case RECORDED -> Outcome.RECORDED;
      case DUPLICATE -> Outcome.DUPLICATE;
      case FOREIGN -> Outcome.FOREIGN;
    });
  }

  /**
   * Chime ended the meeting: recorded as {@code DELETE /meetings} records it, every open interval closed then. The
   * same end delivered again is a duplicate, like any other event recorded before.
   */
  private Future<Outcome> ended(ChimeEvent event) {
    return store.meeting(event.meetingId()).compose(found -> found.isEmpty() ? Future.succeededFuture(Outcome.FOREIGN)
      : SessionParties.require(pool, found.get().meeting().sessionId(), MeetingStore.CHIME)
        .compose(parties -> MeetingsVerticle.ended(store, directory, found.get().meeting(), parties,
          PresenceEvent.ended(event.id(), event.at()), EndReason.UNNAMED))
        .map(recorded -> recorded ? Outcome.RECORDED : Outcome.DUPLICATE));
  }

  /** Reconciles the meetings this node claims, one after another; a round still running skips the next tick. */
  private void reconcile() {
    if (reconciling) {
      return;
    }
    reconciling = true;
    store.claimForReconciliation(config.getJsonObject("events").getLong("reconcile_interval_seconds"), RECONCILE_BATCH)
      .compose(meetingIds -> reconcileAll(meetingIds, 0))
      .onFailure(e -> LOG.warn("Could not reconcile meeting attendance with Chime: {}", e.toString()))
      .onComplete(done -> reconciling = false);
  }

  private Future<Void> reconcileAll(List<String> meetingIds, int next) {
    if (next == meetingIds.size()) {
      return Future.succeededFuture();
    }
    String meetingId = meetingIds.get(next);
    return provider.attachedUsers(meetingId)
      .compose(listed -> store.reconcile(meetingId, listed))
      .compose(v -> reconcileAll(meetingIds, next + 1));
  }
}
