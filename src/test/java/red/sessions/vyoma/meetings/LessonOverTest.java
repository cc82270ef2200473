package red.sessions.vyoma.meetings;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import red.sessions.vyoma.support.FakeChime;
import red.sessions.vyoma.support.Seed;
import red.sessions.vyoma.support.Seed.Lesson;
import red.sessions.vyoma.support.TestServer;
import red.sessions.vyoma.support.Wait;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.support.Api.assertError;
import static red.sessions.vyoma.support.Api.assertJson;

/**
 * Meetings that end on time: the server's own sweep ends, at the provider (the Chime-protocol fake), every live
 * meeting whose lesson has been over for the grace period, as {@code DELETE /meetings} would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LessonOverTest {

  private static final Duration WITHIN = Duration.ofSeconds(20);
  private static final Duration EVERY = Duration.ofMillis(100);
  private static final Duration LESSON = Duration.ofHours(1);

  private Vertx vertx;
  private FakeChime chime;
  private TestServer server;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    chime = FakeChime.start(vertx);
    server = TestServer.start(Map.of(
      "VYOMA_MEETINGS_PROVIDER", "chime",
      "VYOMA_MEETINGS_ENDPOINT", chime.endpoint(),
      "VYOMA_MEETINGS_END_SWEEP_INTERVAL_SECONDS", "1"));
  }

  @AfterAll
  void stop() {
    server.close();
    chime.close();
    vertx.close().await();
  }

  private String meet(Lesson lesson) {
    String meetingId = assertJson(MeetingsTest.join(server, lesson.studentId(), lesson.sessionId()), 201)
      .getString("meeting_id");
    assertJson(MeetingsTest.attend(server, lesson.studentId(), meetingId), 201);
    return meetingId;
  }

  private List<JsonObject> events(String userId) {
    return assertJson(server.api().get("/events?limit=100", server.token(userId)), 200).getJsonArray("events").stream()
      .map(JsonObject.class::cast).toList();
  }

  private List<String> deleted(String meetingId) {
    return chime.requests("DELETE", "/meetings/" + meetingId).stream().map(request -> request.getString("path")).toList();
  }

  @Test
  void aMeetingEndsOnceItsLessonHasBeenOverForFifteenMinutes() {
    Lesson over = server.seed().lesson(3);
    Lesson justOver = server.seed().lesson(6);
    String overMeeting = meet(over);
    String justOverMeeting = meet(justOver);
    // The lesson that ended 14 minutes ago is in place before the one that ended 16 minutes ago, so every sweep
    // that sees the second sees the first.
    Seed.lessonStartedAgo(justOver.bookingId(), LESSON.plusMinutes(14));
    Seed.lessonStartedAgo(over.bookingId(), LESSON.plusMinutes(16));

    JsonObject ended = Wait.eventually(WITHIN, EVERY, () -> events(over.studentId()).stream()
        .filter(event -> event.getString("type").equals("meeting.ended")).findFirst().orElse(null),
      event -> event != null, last -> "no meeting.ended for the student of the lesson over");

    JsonObject data = ended.getJsonObject("data");
    assertEquals(overMeeting, data.getString("meeting_id"));
    assertEquals("lesson_over", data.getString("reason"));
    assertEquals(List.of("/meetings/" + overMeeting), deleted(overMeeting), "one DeleteMeeting at Chime");
    assertNull(chime.meeting(overMeeting));
    assertError(server.api().get("/meetings/" + over.sessionId(), server.token(over.teacherId())), 404);

    assertTrue(deleted(justOverMeeting).isEmpty(), "the meeting of the lesson over 14 minutes ago is left alone");
    assertNotNull(chime.meeting(justOverMeeting));
    assertFalse(events(justOver.studentId()).stream().anyMatch(event -> event.getString("type").equals("meeting.ended")));
  }

  @Test
  void aPartyEndingTheMeetingStillEndsItWithoutAReason() {
    Lesson lesson = server.seed().lesson(9);
    String meetingId = meet(lesson);
    assertJson(MeetingsTest.end(server, lesson.teacherId(), meetingId), 200);
    JsonObject ended = Wait.eventually(WITHIN, EVERY, () -> events(lesson.teacherId()).stream()
        .filter(event -> event.getString("type").equals("meeting.ended")).findFirst().orElse(null),
      event -> event != null, last -> "no meeting.ended for the teacher");
    assertFalse(ended.getJsonObject("data").containsKey("reason"));
  }
}
