package red.sessions.vyoma.calendars;

import io.vertx.core.Future;
import red.sessions.vyoma.auth.Caller;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The calendars domain, served on the event bus at {@link #ADDRESS}: lessons as iCalendar events, one booking's
 * or a feed's. Its table ({@code calendar_feeds}) is read and written by this package alone; it publishes nothing.
 * Lessons and names are read through what bookings/ and profiles/ publish ({@code lessons}, {@code public_profiles}).
 */
public interface CalendarService {

  String ADDRESS = "vyoma.calendars";

  /** The booking as one calendar event, for its two parties and admins (anyone else as {@code GET /bookings/{id}} answers them). */
  Future<CalendarDocument> lesson(Caller caller, UUID bookingId);

  /** A new secret feed address of the caller's lessons; at most {@code calendars.max_feeds_per_user} at a time. */
  Future<NewFeed> createFeed(Caller caller);

  /** The caller's feeds, oldest first, without their addresses. */
  Future<List<Feed>> feeds(Caller caller);

  /** Revokes the caller's feed (an admin's: anyone's); its address is unknown from then on. */
  Future<Void> revokeFeed(Caller caller, UUID feedId);

  /** The lessons of the feed whose address holds this token, as its owner sees them; not found for any other value. */
  Future<CalendarDocument> feed(String token);

  /**
   * A page of every lesson the user is a party to (whatever its time), as their feed shows each, for their export
   * (no route reaches it): by id after {@code after} (null: from the first), at most {@code limit}.
   */
  Future<CalendarPart> ofUser(String userId, UUID after, int limit);

  /**
   * The booking as an invitation to one of its parties, as it is now, for notifications/ to attach to an email
   * (no route reaches it); empty when there is no such booking.
   */
  Future<Optional<Invitation>> invitation(UUID bookingId, Invitee invitee);

  /** For erasures/: deletes the user's calendar feeds (their addresses then answer 404). */
  Future<Void> erase(String userId);
}
