package red.sessions.vyoma.notifications;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.bus.DomainVerticle;
import red.sessions.vyoma.platform.RetryPolicy;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Preferences, unsubscribes and the record of what was sent, as users and admins reach them. */
public final class NotificationsVerticle extends DomainVerticle<NotificationService> implements NotificationService {

  private final NotificationStore store;
  private final UnsubscribeTokens tokens;

  /**
   * @param mail the {@code mail} section
   */
  public NotificationsVerticle(Pool pool, JsonObject mail, UnsubscribeTokens tokens) {
    super(ADDRESS, NotificationService.class, Map.of());
    this.store = new NotificationStore(pool, RetryPolicy.of(mail));
    this.tokens = tokens;
  }

  @Override
  public Future<Preferences> preferences(Caller caller, String userId) {
    requireActsFor(caller, userId);
    return store.preferences(userId).map(found -> found.orElse(Preferences.DEFAULT));
  }

  @Override
  public Future<Preferences> setPreferences(Caller caller, String userId, Preferences preferences) {
    requireActsFor(caller, userId);
    return store.setPreferences(userId, preferences);
  }

  @Override
  public Future<Void> unsubscribe(String token) {
    String userId = tokens.userOf(token)
      .orElseThrow(() -> DomainException.invalid("this unsubscribe link is not one this server made"));
    return store.turnEmailOff(userId);
  }

  @Override
  public Future<List<Notification>> ofBooking(Caller caller, UUID bookingId) {
    return store.parties(bookingId).compose(parties -> {
      if (parties.isEmpty()) {
        throw DomainException.notFound("no booking " + bookingId);
      }
      if (!caller.isPartyTo(parties.get().get(0), parties.get().get(1))) {
        throw DomainException.forbidden("only the booking's parties (or an admin) see its notifications");
      }
      return store.ofBooking(bookingId, caller.admin() ? null : caller.userId());
    });
  }

  private static void requireActsFor(Caller caller, String userId) {
    if (!caller.actsFor(userId)) {
      throw DomainException.forbidden("notification preferences are set by their own user (or an admin)");
    }
  }

  @Override
  public Future<List<Notification>> ofUser(String userId, UUID after, int limit) {
    return store.ofRecipient(userId, after, limit);
  }

  @Override
  public Future<Void> erase(String userId) {
    return store.erase(userId);
  }
}
