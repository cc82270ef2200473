package red.sessions.vyoma.meetings;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.bus.DomainCounter;
import red.sessions.vyoma.bus.DomainVerticle;
import red.sessions.vyoma.bus.Echo;
import red.sessions.vyoma.platform.Cluster;
import red.sessions.vyoma.sessions.SessionParties;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Video meetings for sessions, and their attendees, reached only by the session's two parties (and
 * admins). A session has at most one live meeting: joining returns it while the provider still knows it,
 * and otherwise creates one whose request token derives from the session, so simultaneous joins and
 * retries, on any node, end up in the same meeting.
 */
public final class MeetingsVerticle extends DomainVerticle<MeetingService> implements MeetingService {

  // The server's own sweep acts on a meeting the way an admin would: for whichever session it belongs to.
  private static final Caller SERVER = new Caller("server", true);

  private static final DomainCounter STARTED = new DomainCounter("vyoma.meetings.started",
    "Meetings started with the meeting provider");

  private final Pool pool;
  private final JsonObject config;
  private final Cluster cluster;
  private MeetingStore store;
  private MeetingProvider provider;
  private MeetingDirectory directory;
  private boolean followsPresence;

  /** @param cluster the cluster whose maps hold the meeting lookups; {@code null} for a single node */
  public MeetingsVerticle(Pool pool, JsonObject meetingsConfig, Cluster cluster) {
    super(ADDRESS, MeetingService.class, Map.of());
    this.pool = pool;
    this.config = meetingsConfig;
    this.cluster = cluster;
  }

  @Override
  public Future<?> start() {
    followsPresence = followsPresence(config);
    store = new MeetingStore(pool, followsPresence);
    provider = provider(context, config);
    long lookupTtl = config.getLong("lookup_ttl_seconds");
    if (lookupTtl <= 0) {
      throw new IllegalArgumentException("meetings.lookup_ttl_seconds must be positive");
    }
    return MeetingDirectory.open(vertx, cluster, Duration.ofSeconds(lookupTtl)).compose(opened -> {
      directory = opened;
      return super.start();
    });
  }

  /** The configured provider; Chime's events follow only Chime's meetings. */
  static MeetingProvider provider(Context context, JsonObject config) {
    MeetingProvider provider = switch (config.getString("provider")) {
      case "chime" -> new ChimeMeetingProvider(context, config);
      case "local" -> new LocalMeetingProvider(config.getInteger("max_attendees"));
      default -> throw new IllegalArgumentException("meetings.provider must be chime or local");
    };
    if (followsPresence(config) && !(provider instanceof ChimeMeetingProvider)) {
      throw new IllegalArgumentException("meetings.events.queue_url needs meetings.provider chime");
    }
    return provider;
  }

  /** Whether the nodes follow Chime's meeting events ({@code meetings.events.queue_url} set). */
  public static boolean followsPresence(JsonObject meetingsConfig) {
    return !meetingsConfig.getJsonObject("events").getString("queue_url").isBlank();
  }

  @Override
  public Future<?> stop() {
    return super.stop().eventually(() -> vertx.executeBlocking(() -> {
      provider.close();
      return null;
    }));
  }

  @Override
  protected List<DomainCounter> counters() {
    return List.of(STARTED);
  }

  @Override
  public Future<Joined<Meeting>> join(Caller caller, UUID sessionId) {
    return SessionParties.require(pool, sessionId, caller)
      .compose(parties -> {
        if (parties.bookingCancelled()) {
          throw DomainException.conflict("the booking was cancelled; its session has no meeting");
        }
        if ("completed".equals(parties.sessionStatus())) {
          throw DomainException.conflict("a completed session gets no meeting");
        }
        return liveMeetingOf(parties).compose(live -> live.isPresent()
          ? Future.succeededFuture(new Joined<>(live.get(), false))
          : createMeeting(parties).map(created -> new Joined<>(created, true)));
      });
  }

  private Future<Meeting> createMeeting(SessionParties parties) {
    UUID sessionId = parties.sessionId();
    return store.meetingsEnded(sessionId)
      .compose(ended -> provider.createMeeting("session-" + sessionId, sessionId + "-" + ended))
      .map(meetingData -> new Meeting(meetingData.getString("MeetingId"), sessionId, meetingData))
      .compose(made -> store.recordLive(parties, provider.name(), made))
      .map(recorded -> {
        if (recorded.inserted()) {
          count(STARTED);
        }
        return recorded.live();
      })
      .compose(live -> directory.remember(verifiedNow(live)).map(live));
  }

  @Override
  public Future<Meeting> live(Caller caller, UUID sessionId) {
    return SessionParties.require(pool, sessionId, caller)
      .compose(this::liveMeetingOf)
      .map(live -> live.orElseThrow(() -> DomainException.notFound("session " + sessionId
        + " has no live meeting: none was started, or it has ended; joining starts a new one")));
  }

  /**
   * The session's live meeting. The provider is asked whether it still knows the meeting at most every
   * {@code meetings.verify_interval_seconds} (the time of the last answer travels with the record, so any
   * node skips a check another just made); a meeting it forgot is ended here too. Only the meeting the
   * database holds live is served: a cached record of another is stale and read again.
   */
  private Future<Optional<Meeting>> liveMeetingOf(SessionParties parties) {
    if (parties.liveMeetingId() == null) {
      return Future.succeededFuture(Optional.empty());
    }
    UUID sessionId = parties.sessionId();
    return directory.liveMeetingOf(sessionId, parties.liveMeetingId(), () -> store.liveMeetingOf(sessionId))
      .compose(found -> {
        if (found.isEmpty()) {
          return Future.succeededFuture(Optional.empty());
        }
        Meeting live = found.get().meeting();
        return recentlyVerified(found.get()) ? Future.succeededFuture(Optional.of(live))
          : provider.meetingExists(live.meetingId())
            .compose(exists -> exists
              ? directory.remember(verifiedNow(live)).map(Optional.of(live))
              : gone(live, parties).map(Optional.empty()));
      });
  }

  private boolean recentlyVerified(LiveMeeting live) {
    return live.verifiedSince(Instant.now().minusSeconds(config.getLong("verify_interval_seconds")));
  }

  private static LiveMeeting verifiedNow(Meeting meeting) {
    return new LiveMeeting(meeting, Instant.now());
  }

  /**
   * Records the meeting ended, however it ended (a party's {@code DELETE /meetings}, Chime's own end, Chime
   * found to have forgotten it): {@code meeting.ended}, the presence intervals still open closed at
   * {@code ending}'s time, and its lookups forgotten.
   */
  static Future<Void> ended(MeetingStore store, MeetingDirectory directory, Meeting meeting, SessionParties parties,
                            PresenceEvent ending, EndReason reason) {
    String meetingId = meeting.meetingId();
    return store.end(meetingId, parties, ending, reason)
      .compose(v -> store.attendeeUserIds(meetingId))
      .compose(userIds -> directory.forget(meeting, userIds));
  }

  /**
   * The meeting, which Chime no longer knows, has ended: Chime lists nobody in it any more, so reconciliation
   * closes each open interval at the last time its user was known there.
   */
  private Future<Void> gone(Meeting meeting, SessionParties parties) {
    return (followsPresence ? store.reconcile(meeting.meetingId(), Set.of()) : Future.<Void>succeededFuture())
      .compose(v -> ended(store, directory, meeting, parties, PresenceEvent.endedNow(meeting.meetingId()), EndReason.UNNAMED));
  }

  @Override
  public Future<Void> end(Caller caller, String meetingId) {
    return meetingOfParty(meetingId, caller).compose(reached -> endLive(reached, EndReason.UNNAMED));
  }

  @Override
  public Future<Void> endAfterLesson(String meetingId) {
    return meetingOfParty(meetingId, SERVER).compose(reached -> endLive(reached, EndReason.LESSON_OVER));
  }

  /**
   * Ends the meeting, if live, with Chime; when following presence, asks Chime first who is still attached, so that an
   * interval whose Left was lost closes when its user was last known there, not at the end.
   */
  private Future<Void> endLive(Reached reached, EndReason reason) {
    String meetingId = reached.meeting().meetingId();
    return !reached.live() ? Future.succeededFuture()
      : (followsPresence ? provider.attachedUsers(meetingId).compose(listed -> store.reconcile(meetingId, listed))
          : Future.<Void>succeededFuture())
        .compose(v -> provider.deleteMeeting(meetingId))
        .compose(v -> ended(store, directory, reached.meeting(), reached.parties(), PresenceEvent.endedNow(meetingId), reason));
  }

  @Override
  public Future<Joined<Attendee>> attend(Caller caller, NewAttendee attendee) {
    String meetingId = attendee.meetingId();
    String userId = attendee.userId();
    if (!caller.userId().equals(userId)) {
      throw DomainException.forbidden("you can join a meeting only as yourself");
    }
    return meetingOfParty(meetingId, caller)
      .compose(reached -> {
        if (!reached.live()) {
          throw DomainException.notFound("meeting " + meetingId + " has ended");
        }
        return directory.attendee(meetingId, userId, () -> store.attendee(meetingId, userId))
          .compose(existing -> existing.isPresent()
            ? Future.succeededFuture(new Joined<>(existing.get(), false))
            : createAttendee(reached, userId, attendee.name()).map(created -> new Joined<>(created, true)));
      });
  }

  private Future<Attendee> createAttendee(Reached reached, String userId, String name) {
    String meetingId = reached.meeting().meetingId();
    return provider.createAttendee(meetingId, externalUserId(userId))
      .recover(failure -> failure instanceof MeetingGoneException
        ? gone(reached.meeting(), reached.parties())
            .compose(v -> Future.failedFuture(DomainException.notFound("meeting " + meetingId + " has ended")))
        : Future.failedFuture(failure))
      .map(attendeeData -> new Attendee(meetingId, userId, attendeeData.getString("AttendeeId"), attendeeData))
      .compose(made -> store.recordAttendee(reached.parties(), made, name))
      .compose(attendee -> directory.remember(attendee).map(attendee));
  }

  /** A meeting a party reached, whether it is live, and the parties of its session. */
  private record Reached(Meeting meeting, boolean live, SessionParties parties) {
  }

  /**
   * The meeting, live or ended, if the caller is a party of its session; live only while the database
   * still holds it as its session's live meeting, whatever a cached record says.
   */
  private Future<Reached> meetingOfParty(String meetingId, Caller caller) {
    return directory.liveMeeting(meetingId)
      .compose(cached -> cached.isPresent()
        ? Future.succeededFuture(Optional.of(new MeetingStore.Stored(cached.get(), true)))
        : store.meeting(meetingId))
      .compose(found -> {
        MeetingStore.Stored stored = found.orElseThrow(() -> DomainException.notFound("no meeting " + Echo.of(meetingId)));
        return SessionParties.require(pool, stored.meeting().sessionId(), caller)
          .map(parties -> new Reached(stored.meeting(), stored.live() && meetingId.equals(parties.liveMeetingId()), parties));
      });
  }

  /** Chime takes external user ids of 2 to 64 characters; longer user ids are replaced by their hash. */
  static String externalUserId(String userId) {
    if (userId.length() >= 2 && userId.length() <= 64) {
      return userId;
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(userId.getBytes(StandardCharsets.UTF_8));
      return "user-" + HexFormat.of().formatHex(digest, 0, 24);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }
}
