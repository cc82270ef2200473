package red.sessions.vyoma.calendars;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.auth.Parties;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.bus.DomainVerticle;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Calendars: each booking as an iCalendar event ({@link LessonCalendar}), alone for its parties, or with the rest of
 * a user's lessons in a feed whose secret address a calendar app subscribes to. Like every domain it is deployed as
 * a worker verticle, and the pool completes its queries on the verticle's context: writing a calendar happens on a
 * worker thread, never on an event loop.
 */
public final class CalendarsVerticle extends DomainVerticle<CalendarService> implements CalendarService {

  private static final String FEED_NAME = "Vyoma lessons";
  private static final String BEGIN_EVENT = "BEGIN:VEVENT\r\n";
  private static final String END = "END:VCALENDAR\r\n";

  private final CalendarStore store;
  private final LessonCalendar calendar;
  private final String feedBaseUrl;
  private final int maxFeeds;

  /**
   * @param config the {@code calendars} section: where feeds are served, the events' UID host, the lesson page,
   *               the feeds a user may have
   */
  public CalendarsVerticle(Pool pool, JsonObject config) {
    super(ADDRESS, CalendarService.class, Map.of());
    this.store = new CalendarStore(pool);
    this.calendar = new LessonCalendar(config.getString("uid_host"), config.getString("join_url_template"));
    this.feedBaseUrl = config.getString("base_url").replaceAll("/+$", "");
    this.maxFeeds = config.getInteger("max_feeds_per_user");
    if (maxFeeds < 1) {
      throw new IllegalArgumentException("calendars.max_feeds_per_user must be positive");
    }
  }

  @Override
  public Future<CalendarDocument> lesson(Caller caller, UUID bookingId) {
    return store.lesson(bookingId).map(found -> {
      // The answers of GET /bookings/{id}, so this route tells no one more about a booking than that one does.
      Lesson lesson = Parties.seenBy(caller, found.orElseThrow(() -> DomainException.notFound("no booking " + bookingId)),
        "booking");
      return calendar.write(List.of(lesson), caller.userId(), Optional.empty());
    });
  }

  @Override
  public Future<NewFeed> createFeed(Caller caller) {
    String token = FeedToken.generate();
    return store.create(caller.userId(), token, maxFeeds)
      .map(feed -> new NewFeed(feed.id(), feedBaseUrl + "/calendar-feeds/" + token + ".ics", feed.createdAt()));
  }

  @Override
  public Future<List<Feed>> feeds(Caller caller) {
    return store.feeds(caller.userId());
  }

  @Override
  public Future<Void> revokeFeed(Caller caller, UUID feedId) {
    return store.revoke(feedId, caller.userId(), caller.admin()).map(revoked -> {
      if (!revoked) {
        // Someone else's feed is answered as a missing one: a feed's id tells nothing about whose it is.
        throw DomainException.notFound("no calendar feed " + feedId + " of yours");
      }
      return null;
    });
  }

  @Override
  public Future<CalendarDocument> feed(String token) {
    if (!FeedToken.wellFormed(token)) {
      return Future.failedFuture(unknownFeed());
    }
    return store.feed(token).map(found -> found
      .map(feed -> calendar.write(feed.lessons(), feed.owner(), Optional.of(FEED_NAME)))
      .orElseThrow(CalendarsVerticle::unknownFeed));
  }

  @Override
  public Future<Optional<Invitation>> invitation(UUID bookingId, Invitee invitee) {
    return store.lesson(bookingId).map(found -> found.map(lesson -> calendar.invitation(lesson, invitee)));
  }

  @Override
  public Future<CalendarPart> ofUser(String userId, UUID after, int limit) {
    return store.lessonsOf(userId, after, limit).map(lessons -> {
      String text = calendar.write(lessons, userId, Optional.of(FEED_NAME)).text();
      // The calendar's own head and tail are around its events: the events of every page go between them.
      int events = lessons.isEmpty() ? text.indexOf(END) : text.indexOf(BEGIN_EVENT);
      int closing = text.lastIndexOf(END);
      return new CalendarPart(text.substring(0, events), text.substring(events, closing), text.substring(closing),
        lessons.size(), lessons.isEmpty() ? null : lessons.get(lessons.size() - 1).bookingId());
    });
  }

  /** A token no feed has, or one revoked: nothing of the token is echoed, it may be someone's secret. */
  private static DomainException unknownFeed() {
    return DomainException.notFound("no calendar feed at this address; it may have been revoked");
  }

  @Override
  public Future<Void> erase(String userId) {
    return store.erase(userId);
  }
}
