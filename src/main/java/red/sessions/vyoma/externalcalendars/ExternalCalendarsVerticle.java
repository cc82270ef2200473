package red.sessions.vyoma.externalcalendars;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.bus.DomainVerticle;
import red.sessions.vyoma.bus.Echo;
import red.sessions.vyoma.platform.OutboundTargets;

import java.util.List;
import java.util.Map;

/**
 * A teacher's external calendars as they manage them. Each address is checked against {@link OutboundTargets}
 * when it is put, on this worker thread (the check resolves the host), and again at each fetch; fetching is the
 * {@link ExternalCalendarFetcher}'s, which this node's is told of at once.
 */
public final class ExternalCalendarsVerticle extends DomainVerticle<ExternalCalendarService>
  implements ExternalCalendarService {

  private final ExternalCalendarStore store;
  private final OutboundTargets targets;

  /**
   * @param config the {@code calendars} section
   */
  public ExternalCalendarsVerticle(Pool pool, JsonObject config) {
    super(ADDRESS, ExternalCalendarService.class, Map.of());
    this.store = new ExternalCalendarStore(pool);
    this.targets = new OutboundTargets(config.getBoolean("allow_private_targets"));
  }

  @Override
  public Future<List<ExternalCalendar>> list(Caller caller, String teacherId) {
    requireActsFor(caller, teacherId);
    return store.list(teacherId).map(found -> found.orElseThrow(
      () -> DomainException.notFound("no teacher " + Echo.of(teacherId))));
  }

  @Override
  public Future<List<ExternalCalendar>> replace(Caller caller, String teacherId, List<CalendarSource> calendars) {
    requireActsFor(caller, teacherId);
    for (int i = 0; i < calendars.size(); i++) {
      try {
        targets.resolve(calendars.get(i).url());
      } catch (DomainException refused) {
        throw DomainException.invalid("calendars[" + i + "]." + refused.getMessage());
      }
    }
    return store.replace(teacherId, calendars).compose(replaced -> {
      if (!replaced) {
        throw DomainException.forbidden("only teachers have external calendars: " + Echo.of(teacherId)
          + " has no teacher profile");
      }
      vertx.eventBus().send(ExternalCalendarFetcher.DUE, null);
      return store.list(teacherId).map(found -> found.orElseThrow());
    });
  }

  private static void requireActsFor(Caller caller, String teacherId) {
    if (!caller.actsFor(teacherId)) {
      throw DomainException.forbidden("a teacher manages only their own external calendars");
    }
  }

  @Override
  public Future<Void> erase(String userId) {
    return store.erase(userId);
  }
}
