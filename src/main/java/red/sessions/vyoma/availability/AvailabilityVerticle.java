package red.sessions.vyoma.availability;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.bus.DomainVerticle;
import red.sessions.vyoma.bus.Echo;
import red.sessions.vyoma.kernel.Page;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Availability: teachers publish slots of 15 minutes to 24 hours, in the future, never overlapping
 * one another, and set weekly hours in their own time zone with rules for booking them; anyone signed in
 * lists them, and the times they make bookable ({@link Bookable}). A slot holding an active booking cannot
 * be deleted.
 */
public final class AvailabilityVerticle extends DomainVerticle<AvailabilityService> implements AvailabilityService {

  private final AvailabilityStore store;

  public AvailabilityVerticle(Pool pool) {
    super(ADDRESS, AvailabilityService.class, Map.of(
      "availability_slots_no_overlap", DomainException.conflict("the slot overlaps another slot of the teacher")));
    this.store = new AvailabilityStore(pool);
  }

  @Override
  public Future<List<Slot>> list(String teacherId, OffsetDateTime from, OffsetDateTime to, Page page) {
    if (from != null && to != null && !from.isBefore(to)) {
      throw DomainException.invalid("from must be before to");
    }
    return store.list(teacherId, from, to, page);
  }

  @Override
  public Future<UUID> create(Caller caller, NewSlot slot) {
    if (!caller.actsFor(slot.teacherId())) {
      throw DomainException.forbidden("a teacher publishes only their own availability");
    }
    return store.create(slot.teacherId(), slot.time()).map(created -> created.orElseThrow(() -> DomainException.forbidden(
      "only teachers publish availability: " + Echo.of(slot.teacherId()) + " has no teacher profile")));
  }

  @Override
  public Future<Void> delete(Caller caller, UUID slotId) {
    return store.delete(slotId, caller);
  }

  @Override
  public Future<Schedule> schedule(String teacherId) {
    return store.schedule(teacherId).map(found -> found.orElseThrow(() -> noTeacher(teacherId)));
  }

  @Override
  public Future<Schedule> saveSchedule(Caller caller, String teacherId, Schedule schedule) {
    if (!caller.actsFor(teacherId)) {
      throw DomainException.forbidden("a teacher sets only their own schedule");
    }
    return store.saveSchedule(teacherId, schedule).map(saved -> {
      if (!saved) {
        throw DomainException.forbidden("only teachers have a schedule: " + Echo.of(teacherId) + " has no teacher profile");
      }
      return schedule;
    });
  }

  @Override
  public Future<List<Bookable.Interval>> bookableSlots(String teacherId, SlotQuery query) {
    return store.bookable(teacherId, query.from(), query.to()).map(found -> found
      .orElseThrow(() -> noTeacher(teacherId))
      .slots(query.from(), query.to(), query.duration(), Instant.now()));
  }

  private static DomainException noTeacher(String teacherId) {
    return DomainException.notFound("no teacher " + Echo.of(teacherId));
  }
}
