package red.sessions.vyoma.availability;

import io.vertx.core.Future;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.kernel.Page;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * The availability domain, served on the event bus at {@link #ADDRESS}. Publishes the view
 * {@code teacher_booking_windows} (a teacher's time zone and booking window) for the external calendars' fetcher.
 */
public interface AvailabilityService {

  String ADDRESS = "vyoma.availability";

  /**
   * Slots by start time, of one teacher or of all when {@code teacherId} is null, ending after {@code from}
   * and starting before {@code to} when those are given.
   */
  Future<List<Slot>> list(String teacherId, OffsetDateTime from, OffsetDateTime to, Page page);

  /** Publishes the slot for its teacher; only that teacher (or an admin) may, and only for a teacher profile. */
  Future<UUID> create(Caller caller, NewSlot slot);

  /** Removes the slot, unless it holds a pending or confirmed booking; only its teacher (or an admin) may. */
  Future<Void> delete(Caller caller, UUID slotId);

  /** The teacher's schedule, for anyone signed in; one who never set one has no weekly hours and the default rules. */
  Future<Schedule> schedule(String teacherId);

  /** Replaces the teacher's schedule; only that teacher (or an admin) may, and only for a teacher profile. */
  Future<Schedule> saveSchedule(Caller caller, String teacherId, Schedule schedule);

  /** The times the query asks about that can be booked with the teacher now, by the rule every booking meets. */
  Future<List<Bookable.Interval>> bookableSlots(String teacherId, SlotQuery query);
}
