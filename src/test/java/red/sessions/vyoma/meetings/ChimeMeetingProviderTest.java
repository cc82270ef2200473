package red.sessions.vyoma.meetings;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.support.FakeChime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Chime provider through the real AWS SDK client against {@link FakeChime}: what goes over the wire,
 * what comes back, and how throttling, refusals, endings and silence become the API's own failures.
 */
@ExtendWith(VertxExtension.class)
class ChimeMeetingProviderTest {

  /** Region and media region differ from each other and from the shipped defaults, so a mix-up shows. */
  private static final String REGION = "eu-west-2";
  private static final String MEDIA_REGION = "ap-south-1";
  private static final int MAX_ATTENDEES = 7;

  private static final Pattern AUTHORIZATION = Pattern.compile(
    "AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})");

  private static FakeChime fake;
  private static JsonObject shippedConfig;
  private static Context context;
  /** The shipped settings pointed at the fake. */
  private static ChimeMeetingProvider provider;
  /** Short timeouts and no wait between attempts, for a Chime that does not answer. */
  private static ChimeMeetingProvider impatient;

  @BeforeAll
  static void start(Vertx vertx) throws IOException {
    fake = FakeChime.start(vertx);
    shippedConfig = new JsonObject(Files.readString(Path.of("conf/config.json"))).getJsonObject("meetings");
    context = vertx.getOrCreateContext();
    // One client per class: closing an SDK client blocks for Netty's two-second quiet period.
    provider = new ChimeMeetingProvider(context, config());
    impatient = new ChimeMeetingProvider(context, config()
      .put("attempt_timeout_ms", 300).put("call_timeout_ms", 1500).put("max_attempts", 3).put("retry_delay_ms", 0));
    // Warm both clients up (class loading, first connection), so 300 ms attempts time the fake, not the JVM.
    for (ChimeMeetingProvider warming : List.of(provider, impatient)) {
      String id = warming.createMeeting("warm-up", token()).await().getString("MeetingId");
      warming.createAttendee(id, "warm-up").await();
      warming.deleteMeeting(id).await();
      warming.meetingExists(id).await();
    }
  }

  @AfterAll
  static void stop() {
    CompletableFuture.allOf(Stream.of(provider, impatient).filter(Objects::nonNull)
      .map(client -> CompletableFuture.runAsync(client::close)).toArray(CompletableFuture[]::new)).join();
    if (fake != null) {
      fake.close();
    }
  }

  @BeforeEach
  void forgetEarlierTests() {
    fake.reset();
  }

  /** The shipped "meetings" settings, pointed at the fake. */
  private static JsonObject config() {
    return shippedConfig.copy()
      .put("provider", "chime")
      .put("endpoint", fake.endpoint())
      .put("region", REGION)
      .put("media_region", MEDIA_REGION)
      .put("max_attendees", MAX_ATTENDEES);
  }

  private static String token() {
    return "token-" + UUID.randomUUID();
  }

  private static JsonObject newMeeting() {
    return provider.createMeeting("session-" + UUID.randomUUID(), token()).await();
  }

  private static void assertSafeMessage(DomainException failure) {
    String message = failure.getMessage();
    assertNotNull(message);
    assertFalse(message.isBlank());
    String lower = message.toLowerCase(Locale.ROOT);
    for (String leak : List.of("throttl", "amazon", "aws", "chime", "exception", "request id", "status code", "injected",
      "fake-chime", "127.0.0.1")) {
      assertFalse(lower.contains(leak), () -> "leaks '" + leak + "': " + message);
    }
    assertFalse(Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-").matcher(lower).find(), () -> "leaks an id: " + message);
  }

  /**
   * Every field Chime sent, under its own name and with its value, nothing renamed or dropped. The only
   * extra allowed is an empty list: the SDK cannot tell a list member Chime left out from an empty one.
   */
  private static void assertAsChimeSaidIt(JsonObject chime, JsonObject answered) {
    assertNotNull(chime, "Chime does not know it");
    for (Map.Entry<String, Object> field : chime) {
      Object value = answered.getValue(field.getKey());
      if (field.getValue() instanceof JsonObject nested && value instanceof JsonObject answeredNested) {
        assertAsChimeSaidIt(nested, answeredNested);
      } else {
        assertEquals(field.getValue(), value, () -> field.getKey() + " in " + answered.encode());
      }
    }
    for (String name : answered.fieldNames()) {
      if (!chime.containsKey(name)) {
        assertEquals(new JsonArray(), answered.getValue(name), () -> "Chime never sent " + name + ": " + answered.encode());
      }
    }
  }

  @Test
  void createMeetingSendsChimesRequestSignedForTheConfiguredRegion() {
    String token = token();
    provider.createMeeting("session-42", token).await();

    List<JsonObject> requests = fake.requests();
    assertEquals(1, requests.size(), requests::toString);
    JsonObject request = requests.get(0);
    assertEquals("POST", request.getString("method"));
    assertEquals("/meetings", request.getString("path"));
    JsonObject body = request.getJsonObject("body");
    assertEquals(token, body.getString("ClientRequestToken"));
    assertEquals("session-42", body.getString("ExternalMeetingId"));
    assertEquals(MEDIA_REGION, body.getString("MediaRegion"));
    assertEquals(MAX_ATTENDEES, body.getJsonObject("MeetingFeatures").getJsonObject("Attendee").getInteger("MaxCount"));

    JsonObject headers = request.getJsonObject("headers");
    String authorization = headers.getString("authorization");
    assertNotNull(authorization, headers::encode);
    Matcher signature = AUTHORIZATION.matcher(authorization);
    assertTrue(signature.matches(), authorization);
    assertEquals(FakeChime.ACCESS_KEY_ID, signature.group(1));
    assertEquals(REGION, signature.group(3));
    assertEquals("chime", signature.group(4));
    List<String> signedHeaders = List.of(signature.group(5).split(";"));
    assertTrue(signedHeaders.containsAll(List.of("host", "x-amz-date")), signedHeaders::toString);
    assertTrue(headers.getString("x-amz-date", "").startsWith(signature.group(2)), headers::encode);
  }

  @Test
  void createMeetingAnswersChimesMeetingWithChimesFieldNames() {
    JsonObject meeting = provider.createMeeting("session-42", token()).await();

    String id = meeting.getString("MeetingId");
    UUID.fromString(id);
    assertEquals("session-42", meeting.getString("ExternalMeetingId"));
    assertEquals(MEDIA_REGION, meeting.getString("MediaRegion"));
    assertEquals("arn:aws:chime:" + MEDIA_REGION + ":123456789012:meeting/" + id, meeting.getString("MeetingArn"));
    JsonObject placement = meeting.getJsonObject("MediaPlacement");
    assertNotNull(placement, meeting::encode);
    for (String url : List.of("AudioHostUrl", "AudioFallbackUrl", "SignalingUrl", "TurnControlUrl", "ScreenDataUrl",
      "ScreenViewingUrl", "ScreenSharingUrl", "EventIngestionUrl")) {
      assertTrue(placement.getString(url, "").contains("fake-chime.invalid"), () -> url + " in " + placement.encode());
    }
    assertEquals("wss://signal.", placement.getString("SignalingUrl").substring(0, 13));
    assertEquals(MAX_ATTENDEES, meeting.getJsonObject("MeetingFeatures").getJsonObject("Attendee").getInteger("MaxCount"));
    assertAsChimeSaidIt(fake.meeting(id), meeting);
  }

  @Test
  void answersOnTheContextItWasGiven() {
    Context answeredOn = provider.createMeeting("session-42", token()).map(meeting -> Vertx.currentContext()).await();
    assertSame(context, answeredOn);
    Context failedOn = provider.meetingExists(UUID.randomUUID().toString()).map(exists -> Vertx.currentContext()).await();
    assertSame(context, failedOn);
  }

  @Test
  void theSameTokenTwiceGivesTheSameMeeting() {
    String token = token();
    JsonObject first = provider.createMeeting("session-42", token).await();
    JsonObject second = provider.createMeeting("session-42", token).await();

    assertEquals(first.getString("MeetingId"), second.getString("MeetingId"));
    assertEquals(first, second);
    assertEquals(2, fake.requests("POST", "/meetings").size());
    assertEquals(1, fake.meetingsCreated());

    JsonObject other = provider.createMeeting("session-42", token()).await();
    assertNotEquals(first.getString("MeetingId"), other.getString("MeetingId"));
    assertEquals(2, fake.meetingsCreated());
  }

  @Test
  void aMeetingExistsUntilChimeEndsItByItself() {
    String id = newMeeting().getString("MeetingId");

    assertTrue(provider.meetingExists(id).await());
    fake.endByItself(id);
    assertFalse(provider.meetingExists(id).await());

    assertEquals(2, fake.requests("GET", "/meetings/" + id).size());
  }

  @Test
  void aMeetingChimeNeverHadDoesNotExist() {
    assertFalse(provider.meetingExists(UUID.randomUUID().toString()).await());
  }

  @Test
  void deleteMeetingEndsItAtChime() {
    String id = newMeeting().getString("MeetingId");

    provider.deleteMeeting(id).await();

    List<JsonObject> deletes = fake.requests("DELETE", "/meetings/" + id);
    assertEquals(1, deletes.size(), fake.requests()::toString);
    assertNull(deletes.get(0).getValue("body"));
    assertNull(fake.meeting(id));
    assertFalse(provider.meetingExists(id).await());
  }

  @Test
  void deletingAMeetingAlreadyGoneSucceeds() {
    String deletedTwice = newMeeting().getString("MeetingId");
    provider.deleteMeeting(deletedTwice).await();
    provider.deleteMeeting(deletedTwice).await();
    assertEquals(2, fake.requests("DELETE", "/meetings/" + deletedTwice).size());

    String endedByItself = newMeeting().getString("MeetingId");
    fake.endByItself(endedByItself);
    provider.deleteMeeting(endedByItself).await();
    assertEquals(1, fake.requests("DELETE", "/meetings/" + endedByItself).size());
  }

  @Test
  void createAttendeeAddsTheUserToTheMeeting() {
    String id = newMeeting().getString("MeetingId");

    JsonObject attendee = provider.createAttendee(id, "user-ada").await();

    List<JsonObject> requests = fake.requests("POST", "/meetings/" + id + "/attendees");
    assertEquals(1, requests.size(), fake.requests()::toString);
    assertEquals("user-ada", requests.get(0).getJsonObject("body").getString("ExternalUserId"));
    assertEquals("user-ada", attendee.getString("ExternalUserId"));
    UUID.fromString(attendee.getString("AttendeeId"));
    assertFalse(attendee.getString("JoinToken", "").isBlank(), attendee::encode);
    assertEquals(new JsonObject().put("Audio", "SendReceive").put("Video", "SendReceive").put("Content", "SendReceive"),
      attendee.getJsonObject("Capabilities"));
    assertAsChimeSaidIt(fake.attendee(id, "user-ada"), attendee);
  }

  @Test
  void theSameUserTwiceIsTheSameAttendee() {
    String id = newMeeting().getString("MeetingId");

    JsonObject first = provider.createAttendee(id, "user-ada").await();
    JsonObject again = provider.createAttendee(id, "user-ada").await();
    JsonObject other = provider.createAttendee(id, "user-bob").await();

    assertEquals(first.getString("AttendeeId"), again.getString("AttendeeId"));
    assertEquals(first.getString("JoinToken"), again.getString("JoinToken"));
    assertNotEquals(first.getString("AttendeeId"), other.getString("AttendeeId"));
    assertEquals(3, fake.requests("POST", "/meetings/" + id + "/attendees").size());
  }

  @Test
  void joiningAMeetingThatEndedFailsAsGone() {
    String ended = newMeeting().getString("MeetingId");
    fake.endByItself(ended);
    assertThrows(MeetingGoneException.class, () -> provider.createAttendee(ended, "user-ada").await());

    String deleted = newMeeting().getString("MeetingId");
    provider.deleteMeeting(deleted).await();
    assertThrows(MeetingGoneException.class, () -> provider.createAttendee(deleted, "user-ada").await());

    assertEquals(1, fake.requests("POST", "/meetings/" + ended + "/attendees").size());
  }

  @Test
  void throttlingIsRetriedUntilChimeAnswers() {
    fake.throttleNext(2);
    String token = token();

    JsonObject meeting = provider.createMeeting("session-42", token).await();

    List<JsonObject> attempts = fake.requests("POST", "/meetings");
    assertEquals(3, attempts.size());
    assertEquals(1, fake.meetingsCreated());
    assertAsChimeSaidIt(fake.meeting(meeting.getString("MeetingId")), meeting);
    for (JsonObject attempt : attempts) {
      assertEquals(token, attempt.getJsonObject("body").getString("ClientRequestToken"));
    }
  }

  @Test
  void throttlingPastTheRetriesIsUnavailableWithoutAwsDetails() {
    fake.throttleNext(50);

    DomainException failure = assertThrows(DomainException.class, () -> newMeeting());

    assertEquals(DomainException.Reason.DEPENDENCY_UNAVAILABLE, failure.reason());
    assertSafeMessage(failure);
    assertEquals(shippedConfig.getInteger("max_attempts"), fake.requests("POST", "/meetings").size());
    assertEquals(0, fake.meetingsCreated());
  }

  @ParameterizedTest
  @CsvSource({
    "429, ThrottlingException",
    "503, ServiceUnavailableException",
    "500, ServiceFailureException",
  })
  void aChimeOutageIsUnavailableAfterTheRetries(int status, String errorType) {
    String id = newMeeting().getString("MeetingId");
    fake.failNext(50, status, errorType);

    DomainException failure = assertThrows(DomainException.class, () -> provider.createAttendee(id, "user-ada").await());

    assertEquals(DomainException.Reason.DEPENDENCY_UNAVAILABLE, failure.reason());
    assertSafeMessage(failure);
    assertEquals(shippedConfig.getInteger("max_attempts"), fake.requests("POST", "/meetings/" + id + "/attendees").size());
  }

  @Test
  void chimesLimitExceededIsUnavailable() {
    fake.failNext(50, 400, "LimitExceededException");

    DomainException failure = assertThrows(DomainException.class, () -> newMeeting());

    assertEquals(DomainException.Reason.DEPENDENCY_UNAVAILABLE, failure.reason());
    assertSafeMessage(failure);
  }

  @ParameterizedTest
  @CsvSource({
    "400, BadRequestException",
    "403, ForbiddenException",
    "401, UnauthorizedException",
    "422, UnprocessableEntityException",
  })
  void aChimeRefusalIsABadGatewayAndIsNotRetried(int status, String errorType) {
    fake.failNext(1, status, errorType);

    DomainException failure = assertThrows(DomainException.class, () -> newMeeting());

    assertEquals(DomainException.Reason.DEPENDENCY_REFUSED, failure.reason());
    assertSafeMessage(failure);
    assertEquals(1, fake.requests().size(), fake.requests()::toString);
    assertEquals(0, fake.meetingsCreated());
  }

  @Test
  void aRefusalOfTheMeetingChecksIsABadGatewayNotAnEnding() {
    String id = newMeeting().getString("MeetingId");
    fake.failNext(1, 403, "ForbiddenException");
    DomainException exists = assertThrows(DomainException.class, () -> provider.meetingExists(id).await());
    assertEquals(DomainException.Reason.DEPENDENCY_REFUSED, exists.reason());

    fake.failNext(1, 400, "BadRequestException");
    DomainException delete = assertThrows(DomainException.class, () -> provider.deleteMeeting(id).await());
    assertEquals(DomainException.Reason.DEPENDENCY_REFUSED, delete.reason());

    assertNotNull(fake.meeting(id));
  }

  @Test
  void aChimeThatNeverAnswersIsUnavailableWithinTheCallTimeout() {
    fake.hangNext(50);

    long started = System.nanoTime();
    DomainException failure = assertThrows(DomainException.class,
      () -> impatient.createMeeting("session-42", token()).await());
    long tookMs = (System.nanoTime() - started) / 1_000_000;

    assertEquals(DomainException.Reason.DEPENDENCY_UNAVAILABLE, failure.reason());
    assertSafeMessage(failure);
    assertTrue(tookMs < 3000, () -> "took " + tookMs + " ms");
    assertTrue(tookMs >= 300, () -> "took " + tookMs + " ms");
    int attempts = fake.requests("POST", "/meetings").size();
    assertTrue(attempts >= 2 && attempts <= 3, () -> attempts + " attempts");
  }

  /**
   * Many times over, and retried at once: the attempt that timed out is still being torn down when the next one
   * begins, and none of it may reach the next one (within one SDK call it could, one call in four or five here).
   */
  @Test
  void anAttemptThatNeverAnswersIsRetried() {
    for (int call = 0; call < 12; call++) {
      fake.reset();
      fake.hangNext(1);

      JsonObject meeting = impatient.createMeeting("session-" + call, token()).await();

      assertAsChimeSaidIt(fake.meeting(meeting.getString("MeetingId")), meeting);
      assertEquals(2, fake.requests("POST", "/meetings").size());
      assertEquals(1, fake.meetingsCreated());
    }
  }
}
