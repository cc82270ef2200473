package red.sessions.vyoma.erasures;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.bookings.BookingService;
import red.sessions.vyoma.bookings.BookingStatus;
import red.sessions.vyoma.bookings.Series;
import red.sessions.vyoma.bookings.SeriesCancellation;
import red.sessions.vyoma.bookings.SeriesService;
import red.sessions.vyoma.bookings.SeriesStatus;
import red.sessions.vyoma.bookings.StatusChange;
import red.sessions.vyoma.bus.LocalServices;
import red.sessions.vyoma.calendars.CalendarService;
import red.sessions.vyoma.events.EventService;
import red.sessions.vyoma.externalcalendars.ExternalCalendarService;
import red.sessions.vyoma.files.FileService;
import red.sessions.vyoma.kernel.Page;
import red.sessions.vyoma.meetings.MeetingService;
import red.sessions.vyoma.notifications.NotificationService;
import red.sessions.vyoma.packages.PackageService;
import red.sessions.vyoma.platform.Metrics;
import red.sessions.vyoma.profiles.ProfileService;
import red.sessions.vyoma.reviews.ReviewService;
import red.sessions.vyoma.sessions.SessionService;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * Runs erasures, on every node: every {@code erasures.sweep_interval_seconds}, and at once when this node accepts
 * one, it claims the oldest job no node holds ({@code FOR UPDATE SKIP LOCKED}, under a lease of
 * {@code erasures.lease_seconds}) and runs its steps in order, each recorded by a compare-and-set from the step
 * just run, which also renews the lease. Every step is a call to the owning domains' own {@code erase} (or, to
 * cancel, their own cancel, as the user would make it), each of which can run again and change nothing more, so a
 * node that dies mid-step leaves a job that another node takes up when the lease runs out and finishes:
 * <ol>
 *   <li>{@code cancel}: the user's series and future bookings are cancelled by the user, through bookings/'s own
 *       cancel (events, the package's lesson given back, the other party's notification).</li>
 *   <li>{@code profile}: the profile is blanked and named "Deleted user"; the id stays reserved.</li>
 *   <li>{@code content}: notes, shared files, files, reviews (with the teacher's rating), recordings and attendee
 *       names, events' data, notifications, calendar feeds, external calendars and idempotency keys.</li>
 * </ol>
 * A failed step is logged (ids only) and its error kept on the job; the job is tried again a round later.
 */
public final class ErasureRunner extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ErasureRunner.class);
  static final String WAKE_UP = "vyoma.erasures.wake-up";
  private static final String STEPS = "vyoma.erasure.steps";
  private static final List<String> ORDER = List.of("cancel", "profile", "content", "done");
  private static final String CANCEL_REASON = "account erased";

  private final ErasureStore store;
  private final long intervalSeconds;
  private final long leaseSeconds;
  private final long requestTimeoutMs;
  private final Map<String, Function<String, Future<?>>> steps;
  private Map<String, Counter> done;
  private BookingService bookings;
  private SeriesService series;
  private long timer = -1;
  private MessageConsumer<String> wakeUps;
  private boolean running;

  /**
   * @param config           the {@code erasures} section
   * @param requestTimeoutMs how long a domain may take to answer one call of a step
   */
  public ErasureRunner(Pool pool, JsonObject config, long requestTimeoutMs) {
    this.store = new ErasureStore(pool);
    this.intervalSeconds = config.getLong("sweep_interval_seconds");
    this.leaseSeconds = config.getLong("lease_seconds");
    this.requestTimeoutMs = requestTimeoutMs;
    if (intervalSeconds <= 0 || leaseSeconds <= 0) {
      throw new IllegalArgumentException("erasures.sweep_interval_seconds and erasures.lease_seconds must be positive");
    }
    this.steps = Map.of("cancel", this::cancel, "profile", this::blankProfile, "content", this::eraseContent);
  }

  @Override
  public Future<?> start() {
    MeterRegistry meters = Metrics.registry(vertx);
    done = Map.of("cancel", counter(meters, "cancel"), "profile", counter(meters, "profile"),
      "content", counter(meters, "content"));
    bookings = service(BookingService.class, BookingService.ADDRESS);
    series = service(SeriesService.class, SeriesService.ADDRESS);
    timer = vertx.setPeriodic(0, intervalSeconds * 1000, id -> runAll());
    wakeUps = vertx.eventBus().localConsumer(WAKE_UP, message -> runAll());
    return wakeUps.completion();
  }

  private static Counter counter(MeterRegistry meters, String step) {
    return Counter.builder(STEPS).description("Steps of erasures done, by step").tag("step", step).register(meters);
  }

  private <S> S service(Class<S> type, String address) {
    return LocalServices.proxy(vertx, type, address, requestTimeoutMs);
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return wakeUps.unregister();
  }

  /** Runs jobs one after another while there are any to claim; one run at a time on this node. */
  private void runAll() {
    if (running) {
      return;
    }
    running = true;
    runNext().onComplete(ended -> {
      running = false;
      if (ended.failed()) {
        LOG.warn("Could not claim an erasure (next try in {} s): {}", intervalSeconds, ended.cause().toString());
      }
    });
  }

  private Future<Void> runNext() {
    return store.claim(leaseSeconds).compose(claimed -> claimed
      .map(job -> {
        vertx.eventBus().publish(ErasedUsers.REFUSED, job.userId());
        return run(job.id(), job.userId(), job.step()).compose(v -> runNext());
      })
      .orElseGet(Future::succeededFuture));
  }

  /** Runs the step and the ones after it; a failure is kept on the job and ends this run of it. */
  private Future<Void> run(UUID id, String userId, String step) {
    if (step.equals("done")) {
      LOG.info("Erasure {} of user {} completed", id, userId);
      return Future.succeededFuture();
    }
    String next = ORDER.get(ORDER.indexOf(step) + 1);
    return Future.succeededFuture(userId).compose(user -> steps.get(step).apply(user).<Void>mapEmpty())
      .compose(v -> store.advance(id, step, next, leaseSeconds))
      .transform(result -> {
        if (result.failed()) {
          LOG.warn("Erasure {}: step {} failed (tried again in {} s): {}", id, step, intervalSeconds,
            result.cause().toString());
          return store.failed(id, step, result.cause().getMessage(), intervalSeconds);
        }
        if (!result.result()) {
          return Future.succeededFuture();
        }
        done.get(step).increment();
        LOG.info("Erasure {}: step {} done", id, step);
        return run(id, userId, next);
      });
  }

  /**
   * The user's own cancel of every series and every booking of theirs that has not started; then their packages end
   * (there is no cancel of a package: the lessons left expire at once).
   */
  private Future<Void> cancel(String userId) {
    Caller user = new Caller(userId, false);
    return store.role(userId).compose(role -> {
      boolean teacher = role.filter("teacher"::equals).isPresent();
      return series.list(user, teacher ? null : userId, teacher ? userId : null, new Page(Page.MAX_LIMIT, 0));
    }).compose(all -> sequentially(all.stream()
        .filter(one -> one.status() == SeriesStatus.PENDING || one.status() == SeriesStatus.ACTIVE)
        .map(Series::seriesId).toList(),
      seriesId -> series.cancel(user, seriesId, new SeriesCancellation(SeriesCancellation.Scope.ALL, null, CANCEL_REASON))))
      .compose(v -> store.futureBookings(userId))
      .compose(ids -> sequentially(ids, bookingId -> bookings.changeStatus(user, bookingId,
        new StatusChange(BookingStatus.CANCELLED, CANCEL_REASON, null))))
      // After the cancels, which give their lessons back to the packages they came from.
      .compose(v -> service(PackageService.class, PackageService.ADDRESS).end(userId));
  }

  private Future<?> blankProfile(String userId) {
    return service(ProfileService.class, ProfileService.ADDRESS).erase(userId);
  }

  /** Sessions before files (a shared file leaves its sessions before it is deleted); the rest in any order. */
  private Future<?> eraseContent(String userId) {
    return service(SessionService.class, SessionService.ADDRESS).erase(userId)
      .compose(v -> service(FileService.class, FileService.ADDRESS).erase(userId))
      .compose(v -> service(ReviewService.class, ReviewService.ADDRESS).erase(userId))
      .compose(v -> service(MeetingService.class, MeetingService.ADDRESS).erase(userId))
      .compose(v -> service(EventService.class, EventService.ADDRESS).erase(userId))
      .compose(v -> service(NotificationService.class, NotificationService.ADDRESS).erase(userId))
      .compose(v -> service(CalendarService.class, CalendarService.ADDRESS).erase(userId))
      .compose(v -> service(ExternalCalendarService.class, ExternalCalendarService.ADDRESS).erase(userId))
      .compose(v -> bookings.erase(userId));
  }

  private static <T> Future<Void> sequentially(List<T> items, Function<T, Future<?>> each) {
    Future<Void> chain = Future.succeededFuture();
    for (T item : items) {
      chain = chain.compose(v -> each.apply(item).mapEmpty());
    }
    return chain;
  }
}
