package red.sessions.vyoma.bookings;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.auth.Parties;
import red.sessions.vyoma.bus.DomainCounter;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.bus.DomainVerticle;
import red.sessions.vyoma.kernel.Page;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Series of weekly lessons: a student books them with one request; the teacher confirms them once; either party
 * cancels all of them or those from one on, or moves those from one on to a new weekly time. Each occurrence is a booking, changed alone through bookings' own
 * calls; series are seen only by their two parties and admins.
 */
public final class SeriesVerticle extends DomainVerticle<SeriesService> implements SeriesService {

  private static final DomainCounter CREATED = new DomainCounter("vyoma.series.made",
    "Series of weekly lessons created (a replayed idempotent request is not a new series)");

  private final SeriesStore store;
  private final SeriesRescheduling rescheduling;
  private final BookingStore bookings;

  /**
   * @param bookingsConfig the {@code bookings} section: how long an idempotency key lasts
   * @param config         the {@code series} section: how far ahead a teacher without a booking window is booked
   */
  public SeriesVerticle(Pool pool, JsonObject bookingsConfig, JsonObject config) {
    super(ADDRESS, SeriesService.class, BookingsVerticle.CONSTRAINTS);
    this.bookings = new BookingStore(pool, bookingsConfig.getInteger("idempotency_key_ttl_seconds"));
    this.store = new SeriesStore(pool, bookings, config.getInteger("horizon_weeks"));
    this.rescheduling = new SeriesRescheduling(pool, store, bookings);
  }

  @Override
  protected List<DomainCounter> counters() {
    return List.of(CREATED);
  }

  @Override
  public Future<List<Series>> list(Caller caller, String studentId, String teacherId, Page page) {
    Parties.requireListing(caller, studentId, teacherId, "series");
    return store.list(studentId, teacherId, page);
  }

  @Override
  public Future<List<Series>> ofUser(String userId, UUID after, int limit) {
    return store.ofUser(userId, after, limit);
  }

  @Override
  public Future<Series> get(Caller caller, UUID seriesId) {
    return store.find(seriesId).map(found ->
      Parties.seenBy(caller, found.orElseThrow(() -> DomainException.notFound("no series " + seriesId)), "series"));
  }

  @Override
  public Future<CreatedSeries> create(Caller caller, NewSeries series, String idempotencyKey) {
    if (!caller.actsFor(series.studentId())) {
      throw DomainException.forbidden("a series is booked only by the student it names");
    }
    return store.create(series, caller.userId(), idempotencyKey).onSuccess(created -> {
      if (!created.replayed()) {
        count(CREATED);
      }
    });
  }

  @Override
  public Future<Series> confirm(Caller caller, UUID seriesId) {
    return get(caller, seriesId).compose(series -> {
      if (!caller.actsFor(series.teacherId())) {
        throw DomainException.forbidden("only the series' teacher may confirm it");
      }
      return store.confirm(seriesId, caller).compose(confirmed -> confirmed.map(Future::succeededFuture)
        .orElseGet(() -> get(caller, seriesId).map(now -> {
          throw DomainException.conflict("a " + now.status().wire() + " series cannot be confirmed");
        })));
    });
  }

  @Override
  public Future<Series> cancel(Caller caller, UUID seriesId, SeriesCancellation cancellation) {
    return get(caller, seriesId).compose(series -> from(series, cancellation).compose(from -> store.cancel(seriesId,
        cancellation.scope() == SeriesCancellation.Scope.ALL ? SeriesStatus.CANCELLED : SeriesStatus.ENDED, from,
        cancellation.reason(), caller))
      .compose(cancelled -> cancelled.map(Future::succeededFuture)
        .orElseGet(() -> get(caller, seriesId).map(now -> {
          throw DomainException.conflict("a " + now.status().wire() + " series cannot be cancelled");
        }))));
  }

  /**
   * A retry of a move that was made answers the series it made, read first: the lessons it moved are no longer the
   * old series' to move again. A retry racing its first request meets the key in the move's transaction instead.
   */
  @Override
  public Future<CreatedSeries> reschedule(Caller caller, UUID seriesId, SeriesMove move, String idempotencyKey) {
    Map<String, Object> key = BookingStore.key(caller.userId(), idempotencyKey, move.fingerprint(seriesId));
    return get(caller, seriesId).compose(series -> (key == null ? Future.succeededFuture(Optional.<Row>empty())
        : bookings.madeBy(key))
      .compose(made -> made.isPresent() ? replayed(caller, made.get().getUUID("series_id"))
        : rescheduling.reschedule(series, occurrenceOf(series, move.fromBookingId()), move, caller, key)));
  }

  private Future<CreatedSeries> replayed(Caller caller, UUID seriesId) {
    return get(caller, seriesId).map(series -> new CreatedSeries(series, true));
  }


  /** The number of the series' occurrence booked as {@code bookingId}; 400 when it is none of them. */
  private static int occurrenceOf(Series series, UUID bookingId) {
    return series.occurrences().stream().filter(occurrence -> bookingId.equals(occurrence.bookingId()))
      .mapToInt(Series.Occurrence::number).findFirst()
      .orElseThrow(() -> DomainException.invalid("from_booking_id is not a booking of this series"));
  }

  /** Where a cancellation starts: the named occurrence's start as its booking is now, or null for all of them. */
  private Future<OffsetDateTime> from(Series series, SeriesCancellation cancellation) {
    UUID from = cancellation.fromBookingId();
    if (from == null) {
      return Future.succeededFuture(null);
    }
    occurrenceOf(series, from);
    return bookings.find(from).map(booking -> booking.orElseThrow().startTime());
  }
}
