package red.sessions.vyoma.sessions;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.bus.ApiReply;
import red.sessions.vyoma.bus.ApiRequest;
import red.sessions.vyoma.bus.RequestVerticle;
import red.sessions.vyoma.bus.JsonFields;

import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * Sessions: one per booking, reached only by the booking's two parties (and admins). Its notes and
 * files are only ever added to, each stamped with its author and the server's time.
 */
public final class SessionsVerticle extends RequestVerticle {

  private final SessionStore store;
  private final String storageBaseUrl;

  public SessionsVerticle(Pool pool, String storageBaseUrl) {
    super(SessionsApi.ADDRESS, Map.of());
    this.store = new SessionStore(pool);
    this.storageBaseUrl = storageBaseUrl;
  }

  @Override
  protected Map<String, Function<ApiRequest, Future<ApiReply>>> actions() {
    return Map.of(
      SessionsApi.CREATE, this::create,
      SessionsApi.GET, this::get,
      SessionsApi.GET_BY_BOOKING, this::getByBooking,
      SessionsApi.UPDATE, this::update);
  }

  private Future<ApiReply> create(ApiRequest request) {
    String bookingId = JsonFields.requiredString(request.requiredBody(), "booking_id", "booking_id");
    return store.create(JsonFields.uuid(bookingId, "booking_id"), request.caller()).map(created -> {
      JsonObject body = new JsonObject()
        .put("session_id", created.sessionId().toString())
        .put("message", created.created() ? "Session created successfully" : "Session already exists");
      return created.created() ? ApiReply.created(body) : ApiReply.ok(body);
    });
  }

  private Future<ApiReply> get(ApiRequest request) {
    return store.read(request.pathUuid("id"), request.caller()).map(ApiReply::ok);
  }

  private Future<ApiReply> getByBooking(ApiRequest request) {
    UUID bookingId = request.pathUuid("booking_id");
    return store.sessionOfBooking(bookingId, request.caller())
      .compose(session -> store.read(session.orElseThrow(() -> DomainException.notFound("booking " + bookingId
        + " has no session; create it with POST /sessions")), request.caller()))
      .map(ApiReply::ok);
  }

  private Future<ApiReply> update(ApiRequest request) {
    SessionUpdate update = SessionUpdate.parse(request.requiredBody(), request.caller().userId(), storageBaseUrl);
    return store.update(request.pathUuid("id"), update, request.caller())
      .map(v -> ApiReply.ok(new JsonObject().put("message", "Session updated successfully")));
  }
}
