package red.sessions.vyoma.meetings;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import red.sessions.vyoma.support.FakeChime;
import red.sessions.vyoma.support.S3ProxyServer;
import red.sessions.vyoma.support.Seed;
import red.sessions.vyoma.support.Seed.Lesson;
import red.sessions.vyoma.support.TestServer;
import red.sessions.vyoma.support.Wait;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.support.Api.assertError;
import static red.sessions.vyoma.support.Api.assertJson;

/**
 * Recordings, only with both parties' consent: captures through the media-pipelines API of the Chime-protocol
 * fake, their files in S3Proxy, listed with pre-signed URLs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecordingsTest {

  private static final Duration WITHIN = Duration.ofSeconds(20);
  private static final Duration EVERY = Duration.ofMillis(100);

  private Vertx vertx;
  private FakeChime chime;
  private S3ProxyServer s3;
  private TestServer server;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    chime = FakeChime.start(vertx);
    s3 = S3ProxyServer.start("vyoma-recordings-" + UUID.randomUUID().toString().substring(0, 8));
    Map<String, String> settings = new HashMap<>(s3.storageSettings());
    settings.putAll(Map.of(
      "VYOMA_MEETINGS_PROVIDER", "chime",
      "VYOMA_MEETINGS_ENDPOINT", chime.endpoint(),
      "VYOMA_MEETINGS_END_SWEEP_INTERVAL_SECONDS", "1",
      "VYOMA_RECORDINGS_CONSENT_SWEEP_INTERVAL_SECONDS", "1",
      "VYOMA_RECORDINGS_BUCKET", s3.bucket(),
      "VYOMA_RECORDINGS_ENDPOINT", chime.endpoint()));
    server = TestServer.start(settings);
  }

  @AfterAll
  void stop() {
    server.close();
    s3.close();
    chime.close();
    vertx.close().await();
  }

  /** A lesson whose meeting is live, the student in it. */
  private record Met(Lesson lesson, String meetingId) {
  }

  private Met meet(int hoursAhead) {
    Lesson lesson = server.seed().lesson(hoursAhead);
    String meetingId = assertJson(MeetingsTest.join(server, lesson.studentId(), lesson.sessionId()), 201)
      .getString("meeting_id");
    return new Met(lesson, meetingId);
  }

  private HttpResponse<Buffer> consent(Lesson lesson, String userId, Object consent) {
    return server.api().send(HttpMethod.PUT, "/sessions/" + lesson.sessionId() + "/recording-consent",
      server.token(userId), new JsonObject().put("consent", consent));
  }

  private HttpResponse<Buffer> startRecording(Lesson lesson, String userId) {
    return server.api().send(HttpMethod.POST, "/sessions/" + lesson.sessionId() + "/recording", server.token(userId), null);
  }

  private HttpResponse<Buffer> stopRecording(Lesson lesson, String userId) {
    return server.api().send(HttpMethod.DELETE, "/sessions/" + lesson.sessionId() + "/recording", server.token(userId), null);
  }

  private JsonArray recordings(Lesson lesson) {
    return assertJson(server.api().get("/sessions/" + lesson.sessionId() + "/recordings", server.token(lesson.teacherId())),
      200).getJsonArray("recordings");
  }

  private void bothConsent(Lesson lesson) {
    assertJson(consent(lesson, lesson.studentId(), true), 200);
    assertJson(consent(lesson, lesson.teacherId(), true), 200);
  }

  private List<JsonObject> pipelinesOf(Met met) {
    return chime.pipelines().stream()
      .filter(pipeline -> pipeline.getString("SourceArn").endsWith("meeting/" + met.meetingId())).toList();
  }

  @Test
  void recordingStartsOnlyWithBothConsentsAndStopsWhenOneIsWithdrawn() {
    Met met = meet(2);
    Lesson lesson = met.lesson();
    assertError(startRecording(lesson, lesson.studentId()), 409);

    JsonObject consents = assertJson(consent(lesson, lesson.studentId(), true), 200);
    assertEquals(new JsonObject().put("student", true).put("teacher", false), consents.getJsonObject("consents"));
    assertError(startRecording(lesson, lesson.studentId()), 409);
    assertTrue(pipelinesOf(met).isEmpty(), "nothing captured without the teacher's consent");

    consents = assertJson(consent(lesson, lesson.teacherId(), true), 200);
    assertEquals(new JsonObject().put("student", true).put("teacher", true), consents.getJsonObject("consents"));
    JsonObject started = assertJson(startRecording(lesson, lesson.teacherId()), 201);
    assertEquals("recording", started.getString("status"));
    assertEquals(lesson.teacherId(), started.getString("started_by"));
    assertEquals(met.meetingId(), started.getString("meeting_id"));
    List<JsonObject> running = pipelinesOf(met);
    assertEquals(1, running.size());
    assertEquals(started.getString("recording_id"), running.get(0).getString("MediaPipelineId"));
    String meetingArn = chime.meeting(met.meetingId()).getString("MeetingArn");
    List<JsonObject> requests = chime.requests("POST", "/sdk-media-capture-pipelines").stream()
      .map(sent -> sent.getJsonObject("body")).filter(body -> meetingArn.equals(body.getString("SourceArn"))).toList();
    assertEquals(1, requests.size(), "one CreateMediaCapturePipeline, once both consented");
    assertEquals("ChimeSdkMeeting", requests.get(0).getString("SourceType"));
    assertEquals("S3Bucket", requests.get(0).getString("SinkType"));
    assertEquals("arn:aws:s3:::" + s3.bucket() + "/recordings/" + lesson.sessionId() + "/1",
      requests.get(0).getString("SinkArn"));
    assertEquals(lesson.sessionId() + "-1", requests.get(0).getString("ClientRequestToken"));

    JsonObject again = assertJson(startRecording(lesson, lesson.studentId()), 200);
    assertEquals(started.getString("recording_id"), again.getString("recording_id"));
    assertEquals(1, pipelinesOf(met).size());

    consents = assertJson(consent(lesson, lesson.studentId(), false), 200);
    assertEquals(new JsonObject().put("student", false).put("teacher", true), consents.getJsonObject("consents"));
    assertTrue(pipelinesOf(met).isEmpty(), "the capture stopped at Chime");
    JsonObject stopped = recordings(lesson).getJsonObject(0);
    assertEquals("stopped", stopped.getString("status"));
    assertEquals("consent_withdrawn", stopped.getString("stop_reason"));
    assertError(startRecording(lesson, lesson.teacherId()), 409);
  }

  @Test
  void aWithdrawalChimeCannotActOnIs503AndTheServerStopsTheRecordingOnceChimeAnswers() {
    Met met = meet(23);
    Lesson lesson = met.lesson();
    bothConsent(lesson);
    String recordingId = assertJson(startRecording(lesson, lesson.studentId()), 201).getString("recording_id");
    String stops = "/sdk-media-capture-pipelines/" + recordingId;

    chime.throttleNext(100);
    try {
      String refused = assertError(consent(lesson, lesson.teacherId(), false), 503).getString("message");
      assertTrue(refused.contains("consent is withdrawn"), refused);
      assertEquals(new JsonObject().put("student", true).put("teacher", false),
        assertJson(consent(lesson, lesson.studentId(), true), 200).getJsonObject("consents"), "the withdrawal stands");
      assertEquals(1, pipelinesOf(met).size(), "Chime could not be told");
      assertError(startRecording(lesson, lesson.studentId()), 409);

      int askedByThePut = chime.requests("DELETE", stops).size();
      Wait.eventually(WITHIN, EVERY, () -> chime.requests("DELETE", stops).size() > askedByThePut,
        () -> "nothing asked Chime again to stop the recording");
      assertEquals("recording", recordings(lesson).getJsonObject(0).getString("status"), "not stopped while Chime refuses");
    } finally {
      chime.clearFaults();
    }
    JsonObject stopped = Wait.eventually(WITHIN, EVERY, () -> recordings(lesson).getJsonObject(0),
      recording -> "stopped".equals(recording.getString("status")), last -> "the recording stayed " + last);
    assertEquals("consent_withdrawn", stopped.getString("stop_reason"));
    assertTrue(pipelinesOf(met).isEmpty(), "the capture stopped at Chime");
  }

  @Test
  void aPartyStopsTheRecording() {
    Met met = meet(5);
    Lesson lesson = met.lesson();
    bothConsent(lesson);
    String recordingId = assertJson(startRecording(lesson, lesson.studentId()), 201).getString("recording_id");

    JsonObject stopped = assertJson(stopRecording(lesson, lesson.teacherId()), 200);
    assertEquals(recordingId, stopped.getString("recording_id"));
    assertEquals("stopped", stopped.getString("status"));
    assertEquals("stopped", stopped.getString("stop_reason"));
    assertTrue(pipelinesOf(met).isEmpty());
    assertEquals(1, chime.requests("DELETE", "/sdk-media-capture-pipelines/" + recordingId).size());
    assertError(stopRecording(lesson, lesson.teacherId()), 404);

    JsonObject second = assertJson(startRecording(lesson, lesson.studentId()), 201);
    assertEquals(2, recordings(lesson).size());
    assertTrue(chime.requests("POST", "/sdk-media-capture-pipelines").stream().anyMatch(request -> request
      .getJsonObject("body").getString("SinkArn").endsWith("/recordings/" + lesson.sessionId() + "/2")));
    assertEquals(second.getString("recording_id"), pipelinesOf(met).get(0).getString("MediaPipelineId"));
  }

  @Test
  void artifactsAreListedToThePartiesAndAdminsOnlyWithUrlsThatFetchThem() throws IOException, InterruptedException {
    Met met = meet(8);
    Lesson lesson = met.lesson();
    bothConsent(lesson);
    String recordingId = assertJson(startRecording(lesson, lesson.studentId()), 201).getString("recording_id");
    byte[] audio = "not really an mp4".getBytes(StandardCharsets.UTF_8);
    String key = "recordings/" + lesson.sessionId() + "/1/audio/2026-12-01-09-15-10-123.mp4";
    s3.put(key, audio, "video/mp4");

    JsonObject recording = recordings(lesson).getJsonObject(0);
    assertEquals(recordingId, recording.getString("recording_id"));
    JsonArray artifacts = recording.getJsonArray("artifacts");
    assertEquals(1, artifacts.size());
    JsonObject artifact = artifacts.getJsonObject(0);
    assertEquals(key, artifact.getString("key"));
    assertEquals(audio.length, artifact.getLong("size"));
    assertTrue(artifact.getString("url").contains("X-Amz-Expires=3600"), "valid for recordings.url_expiry_seconds, an hour: "
      + artifact.getString("url"));
    java.net.http.HttpResponse<byte[]> fetched = HttpClient.newHttpClient().send(
      HttpRequest.newBuilder(URI.create(artifact.getString("url"))).GET().build(),
      java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, fetched.statusCode());
    assertArrayEquals(audio, fetched.body());

    String stranger = server.seed().student();
    String path = "/sessions/" + lesson.sessionId() + "/recordings";
    assertError(server.api().get(path, server.token(stranger)), 403);
    assertEquals(1, assertJson(server.api().get(path, server.adminToken("an-admin")), 200).getJsonArray("recordings").size());
    assertEquals(1, assertJson(server.api().get(path, server.token(lesson.studentId())), 200).getJsonArray("recordings").size());
  }

  @Test
  void erasingAPartyStopsTheRecordingAndDeletesWhatItWrote() {
    Met met = meet(14);
    Lesson lesson = met.lesson();
    bothConsent(lesson);
    assertJson(startRecording(lesson, lesson.studentId()), 201);
    String key = "recordings/" + lesson.sessionId() + "/1/audio/2026-12-01-09-15-10-123.mp4";
    s3.put(key, "the lesson's sound".getBytes(StandardCharsets.UTF_8), "video/mp4");

    String erasure = assertJson(server.api().send(HttpMethod.DELETE, "/profiles/" + lesson.studentId(),
      server.adminToken("an-admin"), null), 202).getString("erasure_id");
    JsonObject done = Wait.poll(WITHIN, EVERY,
      () -> assertJson(server.api().get("/erasures/" + erasure, server.adminToken("an-admin")), 200),
      job -> "completed".equals(job.getString("status")));
    assertEquals("done", done.getString("step"), done::encode);

    assertTrue(pipelinesOf(met).isEmpty(), "the capture stopped at Chime");
    assertFalse(s3.exists(key), "what it wrote is gone from the bucket");
    assertEquals(new JsonArray(), recordings(lesson));
  }

  @Test
  void theLessonOverSweepStopsTheRecordingBeforeEndingTheMeeting() {
    Met met = meet(11);
    Lesson lesson = met.lesson();
    bothConsent(lesson);
    String recordingId = assertJson(startRecording(lesson, lesson.studentId()), 201).getString("recording_id");
    Seed.lessonStartedAgo(lesson.bookingId(), Duration.ofMinutes(60 + 16));

    JsonObject stopped = Wait.eventually(WITHIN, EVERY, () -> recordings(lesson).getJsonObject(0),
      recording -> "stopped".equals(recording.getString("status")), last -> "the recording stayed " + last);
    assertEquals("lesson_over", stopped.getString("stop_reason"));
    Wait.eventually(WITHIN, EVERY, () -> chime.meeting(met.meetingId()) == null, () -> "the meeting was not ended");
    List<String> paths = chime.requests().stream()
      .filter(request -> request.getString("method").equals("DELETE")).map(request -> request.getString("path")).toList();
    int pipelineDeleted = paths.indexOf("/sdk-media-capture-pipelines/" + recordingId);
    int meetingDeleted = paths.indexOf("/meetings/" + met.meetingId());
    assertTrue(pipelineDeleted >= 0 && pipelineDeleted < meetingDeleted, "the capture stops before the meeting: " + paths);
  }

  @Test
  void aPartyEndingTheMeetingStopsTheRecordingAtChimeFirst() {
    Met met = meet(20);
    Lesson lesson = met.lesson();
    bothConsent(lesson);
    String recordingId = assertJson(startRecording(lesson, lesson.studentId()), 201).getString("recording_id");

    assertJson(MeetingsTest.end(server, lesson.teacherId(), met.meetingId()), 200);
    JsonObject stopped = recordings(lesson).getJsonObject(0);
    assertEquals("stopped", stopped.getString("status"));
    assertEquals("meeting_ended", stopped.getString("stop_reason"));
    List<String> paths = chime.requests().stream()
      .filter(request -> request.getString("method").equals("DELETE")).map(request -> request.getString("path")).toList();
    int pipelineDeleted = paths.indexOf("/sdk-media-capture-pipelines/" + recordingId);
    int meetingDeleted = paths.indexOf("/meetings/" + met.meetingId());
    assertTrue(pipelineDeleted >= 0 && pipelineDeleted < meetingDeleted, "the capture stops before the meeting: " + paths);
  }

  @Test
  void consentIsEachPartysOwnAndABooleanInAValidSession() {
    Met met = meet(14);
    Lesson lesson = met.lesson();
    assertError(consent(lesson, lesson.studentId(), "yes"), 400);
    assertError(server.api().send(HttpMethod.PUT, "/sessions/" + lesson.sessionId() + "/recording-consent",
      server.token(lesson.studentId()), new JsonObject()), 400);
    assertError(server.api().send(HttpMethod.PUT, "/sessions/not-a-uuid/recording-consent",
      server.token(lesson.studentId()), new JsonObject().put("consent", true)), 400);
    assertError(server.api().send(HttpMethod.PUT, "/sessions/" + UUID.randomUUID() + "/recording-consent",
      server.token(lesson.studentId()), new JsonObject().put("consent", true)), 404);
    assertError(consent(lesson, server.seed().student(), true), 403);
    assertError(server.api().send(HttpMethod.PUT, "/sessions/" + lesson.sessionId() + "/recording-consent",
      server.adminToken("an-admin"), new JsonObject().put("consent", true)), 403);
    assertError(startRecording(lesson, server.seed().student()), 403);
    JsonObject consents = assertJson(consent(lesson, lesson.teacherId(), true), 200);
    assertEquals(new JsonObject().put("student", false).put("teacher", true), consents.getJsonObject("consents"));
    assertNull(chime.requests().stream().filter(request -> request.getString("path").startsWith("/sdk-media"))
      .filter(request -> request.getJsonObject("body") != null
        && request.getJsonObject("body").getString("SinkArn", "").contains(lesson.sessionId()))
      .findFirst().orElse(null));
  }

  @Test
  void recordingNeedsALiveMeeting() {
    Met met = meet(17);
    Lesson lesson = met.lesson();
    bothConsent(lesson);
    assertJson(MeetingsTest.end(server, lesson.teacherId(), met.meetingId()), 200);
    assertError(startRecording(lesson, lesson.studentId()), 409);
    assertEquals(0, recordings(lesson).size());
  }
}
