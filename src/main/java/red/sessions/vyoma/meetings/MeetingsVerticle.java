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
import red.sessions.vyoma.profiles.ProfileService;
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
 * retries, on any node, end up in the same meeting. A session's meeting is recorded (a Chime media capture pipeline)
 * only while both parties consent, and only with the Chime provider and a recordings bucket.
 */
public final class MeetingsVerticle extends DomainVerticle<MeetingService> implements MeetingService {

  // The server's own sweep acts on a meeting the way an admin would: for whichever session it belongs to.
  private static final Caller SERVER = new Caller("server", true);

  private static final DomainCounter STARTED = new DomainCounter("vyoma.meetings.started",
    "Meetings started with the meeting provider");

  private static final DomainException NEEDS_CHIME = DomainException.conflict("recording needs the chime provider");
  private static final DomainException NEEDS_BUCKET = DomainException.conflict(
    "recording needs a recordings bucket, which this server has not been given");

  private final Pool pool;
  private final JsonObject config;
  private final JsonObject recordingsConfig;
  private final JsonObject storageConfig;
  private final Cluster cluster;
  private MeetingStore store;
  private RecordingStore recordings;
  private MeetingProvider provider;
  private MediaCapture capture;
  private RecordingFiles recordingFiles;
  private MeetingDirectory directory;
  private boolean followsPresence;

  /**
   * @param recordingsConfig the {@code recordings} section
   * @param storageConfig    the {@code storage} section, whose S3 settings reach the recordings bucket too
   * @param cluster          the cluster whose maps hold the meeting lookups; {@code null} for a single node
   */
  public MeetingsVerticle(Pool pool, JsonObject meetingsConfig, JsonObject recordingsConfig, JsonObject storageConfig,
                          Cluster cluster) {
    super(ADDRESS, MeetingService.class, Map.of());
    this.pool = pool;
    this.config = meetingsConfig;
    this.recordingsConfig = recordingsConfig;
    this.storageConfig = storageConfig;
    this.cluster = cluster;
  }

  @Override
  public Future<?> start() {
    followsPresence = followsPresence(config);
    store = new MeetingStore(pool, followsPresence);
    recordings = new RecordingStore(pool);
    provider = provider(context, config);
    if (recordingsConfig.getLong("url_expiry_seconds") <= 0) {
      throw new IllegalArgumentException("recordings.url_expiry_seconds must be positive");
    }
    if (provider instanceof ChimeMeetingProvider && !recordingsConfig.getString("bucket").isBlank()) {
      capture = new MediaCapture(context, config, recordingsConfig);
      recordingFiles = new RecordingFiles(context, storageConfig, recordingsConfig);
    }
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
      if (capture != null) {
        capture.close();
        recordingFiles.close();
      }
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
   * {@code ending}'s time, and its lookups forgotten. Answers whether {@code ending} was new (not a repeat of one
   * recorded before).
   */
  static Future<Boolean> ended(MeetingStore store, MeetingDirectory directory, Meeting meeting, SessionParties parties,
                               PresenceEvent ending, EndReason reason) {
    String meetingId = meeting.meetingId();
    return store.end(meetingId, parties, ending, reason)
      .compose(recorded -> store.attendeeUserIds(meetingId)
        .compose(userIds -> directory.forget(meeting, userIds))
        .map(recorded));
  }

  /**
   * The meeting, which Chime no longer knows, has ended: Chime lists nobody in it any more, so reconciliation
   * closes each open interval at the last time its user was known there.
   */
  private Future<Void> gone(Meeting meeting, SessionParties parties) {
    return (followsPresence ? store.reconcile(meeting.meetingId(), Set.of()) : Future.<Void>succeededFuture())
      .compose(v -> ended(store, directory, meeting, parties, PresenceEvent.endedNow(meeting.meetingId()), EndReason.UNNAMED))
      .mapEmpty();
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
   * Ends the meeting, if live, with Chime. A recording that runs is stopped first: its media pipeline counts as an
   * attendee and would keep the meeting alive. When following presence, asks Chime first who is still attached, so
   * that an interval whose Left was lost closes when its user was last known there, not at the end.
   */
  private Future<Void> endLive(Reached reached, EndReason reason) {
    String meetingId = reached.meeting().meetingId();
    return !reached.live() ? Future.succeededFuture()
      : stopRunning(reached.parties().sessionId(), reason == EndReason.LESSON_OVER ? "lesson_over" : "meeting_ended")
        .compose(v -> followsPresence ? provider.attachedUsers(meetingId).compose(listed -> store.reconcile(meetingId, listed))
          : Future.<Void>succeededFuture())
        .compose(v -> provider.deleteMeeting(meetingId))
        .compose(v -> ended(store, directory, reached.meeting(), reached.parties(), PresenceEvent.endedNow(meetingId), reason))
        .mapEmpty();
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

  @Override
  public Future<Consents> consent(Caller caller, UUID sessionId, boolean consent) {
    return SessionParties.require(pool, sessionId, caller).compose(parties -> {
      if (!caller.userId().equals(parties.studentId()) && !caller.userId().equals(parties.teacherId())) {
        throw DomainException.forbidden("only the lesson's student and teacher give consent, each their own");
      }
      return recordings.consent(sessionId, caller.userId(), consent)
        .compose(v -> consent ? Future.<Void>succeededFuture()
          : stopRunning(sessionId, "consent_withdrawn").recover(MeetingsVerticle::stoppedLater))
        .compose(v -> recordings.consented(sessionId))
        .map(consented -> new Consents(sessionId, consented.contains(parties.studentId()),
          consented.contains(parties.teacherId())));
    });
  }

  /**
   * A withdrawal whose capture Chime could not stop still fails (the capture still runs), but says that the
   * withdrawal stands and that the server stops the capture once Chime answers ({@link ConsentWithdrawn}).
   */
  private static Future<Void> stoppedLater(Throwable failure) {
    if (failure instanceof DomainException chime && (chime.reason() == DomainException.Reason.DEPENDENCY_UNAVAILABLE
      || chime.reason() == DomainException.Reason.DEPENDENCY_REFUSED)) {
      return Future.failedFuture(new DomainException(chime.reason(), "your consent is withdrawn, but the recording "
        + "service could not be told to stop the recording yet; the server stops it as soon as that service answers"));
    }
    return Future.failedFuture(failure);
  }

  /**
   * Starts a capture unless one runs. Both consents come first, even for the capture that runs: one still running
   * after a withdrawal (Chime could not be told yet) is being stopped ({@link ConsentWithdrawn}), not answered as a
   * recording. The database records a capture only while both consents and the meeting hold
   * ({@link RecordingStore#record}); a capture started at Chime that it refuses is stopped again, unless it is the
   * one a simultaneous start recorded (the same request token gives the same pipeline).
   */
  @Override
  public Future<Joined<Recording>> startRecording(Caller caller, UUID sessionId) {
    return recordable().compose(v -> SessionParties.require(pool, sessionId, caller)).compose(parties ->
      recordings.consented(sessionId).compose(consented -> {
        if (!consented.containsAll(List.of(parties.studentId(), parties.teacherId()))) {
          throw DomainException.conflict("recording needs both the student's and the teacher's consent");
        }
        return recordings.running(sessionId);
      }).compose(running -> running.isPresent()
        ? Future.succeededFuture(new Joined<>(running.get(), false))
        : liveMeetingOf(parties).compose(live -> {
          Meeting meeting = live.orElseThrow(() -> DomainException.conflict(
            "the session has no live meeting to record; join it first"));
          return recordings.captures(sessionId).compose(made -> startCapture(parties, meeting, made + 1, caller));
        })));
  }

  private Future<Joined<Recording>> startCapture(SessionParties parties, Meeting meeting, int number, Caller caller) {
    UUID sessionId = parties.sessionId();
    return capture.start(meeting, number)
      .compose(recordingId -> recordings.record(parties, meeting.meetingId(), number, recordingId, caller.userId())
        .compose(recorded -> recordings.running(sessionId).compose(running -> {
          if (running.isPresent() && running.get().recordingId().equals(recordingId)) {
            return Future.succeededFuture(new Joined<>(running.get(), recorded));
          }
          return capture.stop(recordingId).map(v -> running.map(other -> new Joined<>(other, false))
            .orElseThrow(() -> DomainException.conflict(
              "a consent was withdrawn or the meeting ended as the recording started; nothing is recorded")));
        })));
  }

  @Override
  public Future<Recording> stopRecording(Caller caller, UUID sessionId) {
    return recordable().compose(v -> SessionParties.require(pool, sessionId, caller))
      .compose(parties -> recordings.running(sessionId))
      .compose(running -> {
        Recording recording = running.orElseThrow(() -> DomainException.notFound(
          "session " + sessionId + " has no recording running"));
        return stop(recording.recordingId(), "stopped").compose(v -> recordings.ofSession(sessionId))
          .map(all -> all.stream().filter(one -> one.recordingId().equals(recording.recordingId())).findFirst()
            .orElseThrow(() -> new IllegalStateException("recording " + recording.recordingId() + " vanished")));
      });
  }

  @Override
  public Future<Void> stopWithoutConsent(String recordingId) {
    return stop(recordingId, "consent_withdrawn");
  }

  @Override
  public Future<List<Recording>> recordings(Caller caller, UUID sessionId) {
    return SessionParties.require(pool, sessionId, caller)
      .compose(parties -> recordings.ofSession(sessionId))
      .compose(all -> recordingFiles == null ? Future.succeededFuture(all) : recordingFiles.withArtifacts(sessionId, all));
  }

  /** Recording is there only with the Chime provider and a bucket for the captures. */
  private Future<Void> recordable() {
    if (!(provider instanceof ChimeMeetingProvider)) {
      return Future.failedFuture(NEEDS_CHIME);
    }
    return capture == null ? Future.failedFuture(NEEDS_BUCKET) : Future.succeededFuture();
  }

  /** Stops the session's running capture, if any, at Chime and then here. */
  private Future<Void> stopRunning(UUID sessionId, String reason) {
    return recordings.running(sessionId)
      .compose(running -> running.isEmpty() ? Future.succeededFuture() : stop(running.get().recordingId(), reason));
  }

  /** A capture left from a time the server recorded (another provider or bucket since) is only marked stopped. */
  private Future<Void> stop(String recordingId, String reason) {
    return (capture == null ? Future.<Void>succeededFuture() : capture.stop(recordingId))
      .compose(v -> recordings.stopped(recordingId, reason));
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

  /**
   * A capture still running in one of the user's sessions is stopped first, as a withdrawn consent stops it: a
   * pipeline left running would go on writing the lesson into the bucket the erasure empties.
   */
  @Override
  public Future<Void> erase(String userId) {
    return recordings.consentedBy(userId)
      .compose(sessions -> Future.all(sessions.stream().map(session -> stopRunning(session, "consent_withdrawn")).toList()))
      .compose(stopped -> recordings.erase(userId, ProfileService.ERASED_NAME, sessions -> recordingFiles == null
        ? Future.succeededFuture()
        : Future.all(sessions.stream().map(recordingFiles::deleteAll).toList())));
  }
}
