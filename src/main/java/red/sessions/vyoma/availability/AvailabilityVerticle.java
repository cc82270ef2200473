package red.sessions.vyoma.availability;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.bus.ApiReply;
import red.sessions.vyoma.bus.ApiRequest;
import red.sessions.vyoma.bus.RequestVerticle;
import red.sessions.vyoma.bus.JsonFields;
import red.sessions.vyoma.bus.Page;
import red.sessions.vyoma.bus.TimeRange;
import red.sessions.vyoma.bus.Times;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.function.Function;

/**
 * Availability: teachers publish slots of 15 minutes to 24 hours, in the future, never overlapping
 * one another; anyone signed in lists them. A slot holding an active booking cannot be deleted.
 */
public final class AvailabilityVerticle extends RequestVerticle {

  static final Duration SHORTEST = Duration.ofMinutes(15);
  static final Duration LONGEST = Duration.ofHours(24);

  private final AvailabilityStore store;

  public AvailabilityVerticle(Pool pool) {
    super(AvailabilityApi.ADDRESS, Map.of(
      "availability_slots_no_overlap", DomainException.conflict("the slot overlaps another slot of the teacher")));
    this.store = new AvailabilityStore(pool);
  }

  @Override
  protected Map<String, Function<ApiRequest, Future<ApiReply>>> actions() {
    return Map.of(
      AvailabilityApi.LIST, this::list,
      AvailabilityApi.CREATE, this::create,
      AvailabilityApi.DELETE, this::delete);
  }

  private Future<ApiReply> list(ApiRequest request) {
    JsonObject query = request.query();
    OffsetDateTime from = query.containsKey("from") ? Times.parseQuery(query.getString("from"), "from") : null;
    OffsetDateTime to = query.containsKey("to") ? Times.parseQuery(query.getString("to"), "to") : null;
    if (from != null && to != null && !from.isBefore(to)) {
      throw DomainException.invalid("from must be before to");
    }
    return store.list(query.getString("teacher_id"), from, to, Page.of(request)).map(ApiReply::ok);
  }

  private Future<ApiReply> create(ApiRequest request) {
    JsonObject body = request.requiredBody();
    String teacherId = JsonFields.requiredString(body, "teacher_id", "teacher_id");
    if (!request.caller().actsFor(teacherId)) {
      throw DomainException.forbidden("a teacher publishes only their own availability");
    }
    TimeRange time = TimeRange.parseFuture(body, SHORTEST, LONGEST);
    return store.create(teacherId, time).map(created -> {
      String id = created.orElseThrow(() -> DomainException.forbidden(
        "only teachers publish availability: " + teacherId + " has no teacher profile")).toString();
      return ApiReply.created(new JsonObject().put("id", id).put("message", "Availability slot created successfully"));
    });
  }

  private Future<ApiReply> delete(ApiRequest request) {
    return store.delete(request.pathUuid("id"), request.caller())
      .map(v -> ApiReply.ok(new JsonObject().put("message", "Availability slot deleted successfully")));
  }
}
