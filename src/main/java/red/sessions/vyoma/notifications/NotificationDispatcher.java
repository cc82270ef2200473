package red.sessions.vyoma.notifications;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mail.MailAttachment;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.SMTPException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import red.sessions.vyoma.bus.LocalServices;
import red.sessions.vyoma.calendars.CalendarService;
import red.sessions.vyoma.calendars.Invitation;
import red.sessions.vyoma.calendars.Invitee;
import red.sessions.vyoma.events.EventPage;
import red.sessions.vyoma.events.OutboxFollower;
import red.sessions.vyoma.platform.Metrics;
import red.sessions.vyoma.platform.RetryPolicy;

import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Queues and sends the emails, on every node, on an event loop, as the webhooks' dispatcher sends deliveries
 * ({@link OutboxFollower}): the outbox's final events are fanned out into notifications after the cursor row
 * {@code notification_fanout} ({@link Plan} decides what each event means), then what is due is claimed, at most
 * {@code mail.max_in_flight} at a time, looking at least every {@code notifications.poll_seconds} for reminders
 * coming due. Just before sending, a notification whose recipient has no email address or turned email off is
 * {@code skipped}, and a reminder whose lesson has started is {@code expired}. An SMTP answer of 4xx, a refused
 * connection or a timeout is tried again with backoff ({@code mail.retry_base_seconds}, doubling) until
 * {@code mail.retry_for_hours} after it was due, then it has {@code failed}; a 5xx answer fails it at once. Each
 * email's {@code Message-ID} is its notification's id, so one sent again after its node died mid-send (the lease,
 * three timeouts, ran out) is recognisably the same message.
 * <p>
 * A confirmation, a move or a cancellation carries the lesson as a calendar invitation ({@code text/calendar} with its
 * {@code method}), which calendars/ writes on its own worker, from the lesson as it is when the email is sent: the
 * same {@code UID} and {@code SEQUENCE} as the booking's {@code .ics}, so the recipient's calendar app adds, moves or
 * removes the one event it has, and an invitation overtaken by a later change cannot undo it.
 */
public final class NotificationDispatcher extends OutboxFollower<NotificationStore.Claimed> {

  private static final Logger LOG = LoggerFactory.getLogger(NotificationDispatcher.class);
  private static final String SENT = "vyoma.notifications";
  private static final int MAX_ERROR = 500;

  private final NotificationStore store;
  private final JsonObject mail;
  private final Path dataDir;
  private final UnsubscribeTokens tokens;
  private final String unsubscribeBase;
  private final String from;
  private final String fromAddress;
  private final String messageIdDomain;
  private final int maxInFlight;
  private final long timeoutMs;
  private final long leaseSeconds;
  private Mailer mailer;
  private CalendarService calendars;
  private MeterRegistry meters;

  /**
   * @param mail          the {@code mail} section
   * @param notifications the {@code notifications} section
   */
  public NotificationDispatcher(Pool pool, JsonObject mail, JsonObject notifications, Path dataDir, UnsubscribeTokens tokens) {
    super(pool, "notifications", NotificationStore.FAN_OUT_FROM, positive(mail, "max_in_flight").intValue(),
      positive(notifications, "poll_seconds") * 1000, "vyoma.notifications.due");
    for (String key : List.of("retry_base_seconds", "retry_for_hours", "timeout_seconds")) {
      positive(mail, key);
    }
    this.store = new NotificationStore(pool, RetryPolicy.of(mail));
    this.mail = mail;
    this.dataDir = dataDir;
    this.tokens = tokens;
    this.unsubscribeBase = mail.getString("public_url").replaceAll("/+$", "") + "/unsubscribe/";
    this.from = mail.getString("from");
    this.fromAddress = from.contains("<") ? from.substring(from.indexOf('<') + 1, from.lastIndexOf('>')).trim() : from.trim();
    this.messageIdDomain = fromAddress.substring(fromAddress.lastIndexOf('@') + 1);
    this.maxInFlight = mail.getInteger("max_in_flight");
    this.timeoutMs = mail.getLong("timeout_seconds") * 1000;
    this.leaseSeconds = mail.getLong("timeout_seconds") * 3;
  }

  private static Long positive(JsonObject section, String key) {
    if (section.getLong(key) <= 0) {
      throw new IllegalArgumentException(key + " must be positive");
    }
    return section.getLong(key);
  }

  @Override
  public Future<?> start() {
    meters = Metrics.registry(vertx);
    mailer = Mailer.of(vertx, mail, dataDir, maxInFlight);
    calendars = LocalServices.proxy(vertx, CalendarService.class, CalendarService.ADDRESS, timeoutMs);
    return super.start();
  }

  @Override
  public Future<?> stop() {
    // The mail client's close waits for the sends under way, and a mail server that never answers (no greeting, no
    // reply) would hold the node's shutdown for good: past a send's timeout the rest is left to the closing Vert.x,
    // and an email cut off is sent again when its lease runs out, as after a crash.
    return super.stop().compose(stopped -> mailer.close().timeout(timeoutMs, TimeUnit.MILLISECONDS))
      .recover(slow -> {
        LOG.warn("The mail client did not close within {} ms ({}); closing without it", timeoutMs, slow.toString());
        return Future.succeededFuture();
      });
  }

  @Override
  protected Future<?> queue(SqlConnection connection, EventPage page) {
    return store.queue(connection, page);
  }

  @Override
  protected Future<List<NotificationStore.Claimed>> claim(int max) {
    return store.claim(max, leaseSeconds);
  }

  @Override
  protected Future<Long> msUntilNextDue() {
    return store.msUntilNextDue();
  }

  @Override
  protected Future<Long> countDue() {
    return store.countDue();
  }

  @Override
  protected Future<?> work(NotificationStore.Claimed claimed) {
    return send(claimed)
      .compose(outcome -> store.record(claimed, outcome, ThreadLocalRandom.current().nextDouble())
        .onSuccess(status -> status.ifPresent(now -> {
          String counted = "scheduled".equals(now) ? NotificationStore.Outcome.RETRY : now;
          count(claimed.kind(), counted);
          if (NotificationStore.Outcome.FAILED.equals(now)) {
            LOG.warn("Notification {} ({} to {}) failed: {}", claimed.id(), claimed.kind().wire(), claimed.recipient(),
              outcome.error());
          }
        })))
      .onFailure(e -> LOG.warn("Could not record the attempt of notification {} (it is sent again when its lease ends): {}",
        claimed.id(), e.toString()));
  }

  private void count(Kind kind, String outcome) {
    Counter.builder(SENT)
      .description("Notifications by kind and outcome: sent, retry (to be tried again), failed, skipped (no address, "
        + "email off), expired (a reminder whose lesson had started)")
      .tag("kind", kind.wire())
      .tag("outcome", outcome)
      .register(meters)
      .increment();
  }

  /** One attempt, or the reason not to make it: what it came to, never a failed future. */
  private Future<NotificationStore.Outcome> send(NotificationStore.Claimed claimed) {
    if (claimed.email() == null || claimed.email().isBlank()) {
      return outcome(NotificationStore.Outcome.SKIPPED, "the recipient has no email address");
    }
    if (!claimed.wantsEmail()) {
      return outcome(NotificationStore.Outcome.SKIPPED, "the recipient turned email off");
    }
    if (claimed.kind() == Kind.REMINDER && !OffsetDateTime.now().isBefore(claimed.lessonStart())) {
      return outcome(NotificationStore.Outcome.EXPIRED, "the lesson had started");
    }
    Future<Optional<Invitation>> invitation = !claimed.kind().invites() ? Future.succeededFuture(Optional.empty())
      : calendars.invitation(UUID.fromString(claimed.booking().getString("booking_id")),
        new Invitee(claimed.recipient(), claimed.email(), fromAddress));
    return invitation.transform(written -> written.succeeded() ? send(claimed, written.result())
      : outcome(NotificationStore.Outcome.RETRY, "the calendar invitation could not be written: " + written.cause().getMessage()));
  }

  private Future<NotificationStore.Outcome> send(NotificationStore.Claimed claimed, Optional<Invitation> invitation) {
    String unsubscribe = unsubscribeBase + tokens.token(claimed.recipient());
    Letter letter = Letter.of(claimed, unsubscribe);
    MailMessage message = new MailMessage()
      .setFrom(from)
      .setTo(claimed.email())
      .setSubject(letter.subject())
      .setText(letter.text())
      .setHtml(letter.html())
      .setHeaders(MultiMap.caseInsensitiveMultiMap()
        .add("Message-ID", "<" + claimed.id() + "@" + messageIdDomain + ">")
        .add("List-Unsubscribe", "<" + unsubscribe + ">")
        .add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"));
    invitation.ifPresent(invite -> message.setAttachment(List.of(MailAttachment.create()
      .setName("invite.ics")
      .setContentType("text/calendar; method=" + invite.method() + "; charset=UTF-8")
      .setData(Buffer.buffer(invite.text())))));
    return mailer.send(message, claimed.id().toString()).timeout(timeoutMs, TimeUnit.MILLISECONDS)
      .transform(sent -> outcome(sent));
  }

  private static Future<NotificationStore.Outcome> outcome(AsyncResult<Void> sent) {
    if (sent.succeeded()) {
      return outcome(NotificationStore.Outcome.SENT, null);
    }
    Throwable cause = sent.cause();
    if (cause instanceof SMTPException smtp && smtp.isPermanent()) {
      return outcome(NotificationStore.Outcome.FAILED, "the mail server refused it: " + smtp.getReplyCode() + " "
        + smtp.getReplyMessage());
    }
    return outcome(NotificationStore.Outcome.RETRY, String.valueOf(cause.getMessage()));
  }

  private static Future<NotificationStore.Outcome> outcome(String outcome, String error) {
    return Future.succeededFuture(new NotificationStore.Outcome(outcome,
      error != null && error.length() > MAX_ERROR ? error.substring(0, MAX_ERROR) : error));
  }
}
