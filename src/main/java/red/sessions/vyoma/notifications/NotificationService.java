package red.sessions.vyoma.notifications;

import io.vertx.core.Future;
import red.sessions.vyoma.auth.Caller;

import java.util.List;
import java.util.UUID;

/**
 * The notifications domain, served on the event bus at {@link #ADDRESS}: each user's preferences, the one-click
 * unsubscribe, and what was (or will be) sent about a booking. Its tables ({@code notifications},
 * {@code notification_preferences}, {@code notification_fanout}) are read and written by this package alone;
 * sending is the {@link NotificationDispatcher}'s. It reads what others publish: {@code profile_contacts},
 * {@code schedule_zones}, {@code lessons} and {@code event_envelopes} (views, migrations V14 and V22).
 */
public interface NotificationService {

  String ADDRESS = "vyoma.notifications";

  /** The user's preferences (the defaults when they set none); that user or an admin. */
  Future<Preferences> preferences(Caller caller, String userId);

  /** Replaces the user's preferences; that user or an admin. */
  Future<Preferences> setPreferences(Caller caller, String userId, Preferences preferences);

  /** Turns off the email of the user the token was made for; invalid input when it was not made by this server. */
  Future<Void> unsubscribe(String token);

  /** The booking's notifications, oldest first: a party sees their own, an admin every one. */
  Future<List<Notification>> ofBooking(Caller caller, UUID bookingId);

  /** The notifications to the user, for the user's export (no route reaches it), by id after {@code after} (null: from the first), at most {@code limit}. */
  Future<List<Notification>> ofUser(String userId, UUID after, int limit);

  /** For erasures/: deletes the notifications sent or due to the user, and their preferences. */
  Future<Void> erase(String userId);
}
