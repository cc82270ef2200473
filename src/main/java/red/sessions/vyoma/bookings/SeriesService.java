package red.sessions.vyoma.bookings;

import io.vertx.core.Future;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.kernel.Page;

import java.util.List;
import java.util.UUID;

/**
 * Weekly lessons booked together, served on the event bus at {@link #ADDRESS}. Every occurrence is an ordinary
 * booking (with its {@code series_id}) judged by the rule every booking is; its tables ({@code booking_series},
 * {@code series_occurrences}) are bookings' own, read and written by this package alone.
 */
public interface SeriesService {

  String ADDRESS = "vyoma.series";

  /** The series of the student, the teacher, or both together; only those users (or an admin) may list them. */
  Future<List<Series>> list(Caller caller, String studentId, String teacherId, Page page);

  /** One series, for its two parties and admins. */
  Future<Series> get(Caller caller, UUID seriesId);

  /** The series the user is a party to, for the user's export (no route reaches it), by id after {@code after} (null: from the first), at most {@code limit}. */
  Future<List<Series>> ofUser(String userId, UUID after, int limit);

  /**
   * Books the series for the student it names. With an idempotency key (as on bookings), asking again for the same
   * series answers the first one, replayed.
   */
  Future<CreatedSeries> create(Caller caller, NewSeries series, String idempotencyKey);

  /** The teacher confirms a pending series: every pending occurrence becomes confirmed. */
  Future<Series> confirm(Caller caller, UUID seriesId);

  /** Either party cancels the occurrences in scope that have not started, and the series ends. */
  Future<Series> cancel(Caller caller, UUID seriesId, SeriesCancellation cancellation);

  /**
   * Either party moves the occurrences from one booking on to a new weekly time: the series ends before it and
   * the new series that continues it, at the new time, with those bookings, is answered; or, for a request with
   * the {@code idempotencyKey} (null for none) of an earlier one, the series that one made, as it is now.
   */
  Future<CreatedSeries> reschedule(Caller caller, UUID seriesId, SeriesMove move, String idempotencyKey);
}
