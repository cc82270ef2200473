package red.sessions.vyoma.availability;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.bus.DomainVerticle;
import red.sessions.vyoma.bus.Page;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Availability: teachers publish slots of 15 minutes to 24 hours, in the future, never overlapping
 * one another; anyone signed in lists them. A slot holding an active booking cannot be deleted.
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
      "only teachers publish availability: " + slot.teacherId() + " has no teacher profile")));
  }

  @Override
  public Future<Void> delete(Caller caller, UUID slotId) {
    return store.delete(slotId, caller);
  }
}
