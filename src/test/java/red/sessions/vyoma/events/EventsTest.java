package red.sessions.vyoma.events;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import red.sessions.vyoma.support.Api;
import red.sessions.vyoma.support.Client;
import red.sessions.vyoma.support.Seed;
import red.sessions.vyoma.support.ServerTest;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.support.Api.assertError;
import static red.sessions.vyoma.support.Api.assertJson;
import static red.sessions.vyoma.support.Seed.bookingBody;
import static red.sessions.vyoma.support.Seed.hoursAhead;

/** The outbox as users read it: every change of a lesson is one event, in order, seen only by its parties. */
class EventsTest extends ServerTest {

  /** A lesson's whole life, as its parties make it through the API; the answers the events must repeat. */
  record Lived(String student, String teacher, String bookingId, String sessionId, String meetingId,
               JsonObject completedBooking, JsonObject completedSession, JsonObject review) {
  }

  static final List<String> LIFE = List.of("booking.created", "booking.confirmed", "session.created", "meeting.started",
    "attendee.joined", "session.updated", "meeting.ended", "session.updated", "booking.completed", "review.created");

  /**
   * Books, confirms, opens the session, meets, notes, ends and completes the lesson, and reviews it, each
   * step also sent a second time where the API allows it, which must change nothing and emit nothing.
   */
  static Lived liveALesson(Client on, int hours) {
    Api api = on.api();
    Seed seed = on.seed();
    String teacher = seed.teacher("Physics");
    String student = seed.student();
    String s = on.token(student);
    String t = on.token(teacher);
    seed.slot(teacher, hoursAhead(hours), hoursAhead(hours + 2));
    JsonObject booking = bookingBody(student, teacher, hoursAhead(hours), hoursAhead(hours + 1));
    String key = "events-" + UUID.randomUUID();
    String bookingId = assertJson(api.request(HttpMethod.POST, "/bookings").bearerTokenAuthentication(s)
      .putHeader("Idempotency-Key", key).sendJsonObject(booking).await(), 201).getString("booking_id");
    var replayed = api.request(HttpMethod.POST, "/bookings").bearerTokenAuthentication(s)
      .putHeader("Idempotency-Key", key).sendJsonObject(booking).await();
    assertEquals("true", replayed.getHeader("Idempotent-Replayed"));
    JsonObject confirm = new JsonObject().put("status", "confirmed");
    assertJson(api.send(HttpMethod.PATCH, "/bookings/" + bookingId, t, confirm), 200);
    assertError(api.send(HttpMethod.PATCH, "/bookings/" + bookingId, t, confirm), 409);
    JsonObject ofBooking = new JsonObject().put("booking_id", bookingId);
    String sessionId = assertJson(api.post("/sessions", s, ofBooking), 201).getString("session_id");
    assertJson(api.post("/sessions", t, ofBooking), 200);
    JsonObject ofSession = new JsonObject().put("session_id", sessionId);
    String meetingId = assertJson(api.post("/meetings", s, ofSession), 201).getString("meeting_id");
    assertJson(api.post("/meetings", t, ofSession), 200);
    JsonObject attendee = new JsonObject().put("meeting_id", meetingId).put("user_id", student).put("name", "Sam");
    assertJson(api.post("/attendees", s, attendee), 201);
    assertJson(api.post("/attendees", s, attendee), 200);
    JsonObject note = new JsonObject().put("status", "active").put("notes", new JsonArray()
      .add(new JsonObject().put("text", "Chain rule").put("timestamp", "2030-01-07T10:05:00Z")));
    assertJson(api.send(HttpMethod.PUT, "/sessions/" + sessionId, t, note), 200);
    assertJson(api.send(HttpMethod.PUT, "/sessions/" + sessionId, t, note), 200);
    JsonObject ofMeeting = new JsonObject().put("meeting_id", meetingId);
    assertJson(api.send(HttpMethod.DELETE, "/meetings", t, ofMeeting), 200);
    assertJson(api.send(HttpMethod.DELETE, "/meetings", t, ofMeeting), 200);
    JsonObject complete = new JsonObject().put("status", "completed");
    assertJson(api.send(HttpMethod.PUT, "/sessions/" + sessionId, t, complete), 200);
    assertJson(api.send(HttpMethod.PUT, "/sessions/" + sessionId, t, complete), 200);
    JsonObject review = assertJson(api.post("/bookings/" + bookingId + "/review", s, new JsonObject().put("rating", 5)), 201);
    review.remove("message");
    return new Lived(student, teacher, bookingId, sessionId, meetingId,
      assertJson(api.get("/bookings/" + bookingId, s), 200), assertJson(api.get("/sessions/" + sessionId, s), 200), review);
  }

  /** The caller's events once there are at least {@code count}, and then again a moment later, to see no more came. */
  static List<JsonObject> eventsOf(Client on, String token, String query, int count) {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
    List<JsonObject> events = read(on, token, query);
    while (events.size() < count && Instant.now().isBefore(deadline)) {
      pause(100);
      events = read(on, token, query);
    }
    pause(300);
    return read(on, token, query);
  }

  private static List<JsonObject> read(Client on, String token, String query) {
    JsonObject page = assertJson(on.api().get("/events" + query, token), 200);
    return page.getJsonArray("events").stream().map(JsonObject.class::cast).toList();
  }

  static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aLessonsWholeLifeIsExactlyItsEventsInOrderWithTheResourcesAsTheApiShowsThem() {
    Lived lesson = liveALesson(server, 3);
    List<JsonObject> events = eventsOf(server, server.token(lesson.student()), "", LIFE.size());
    assertEquals(LIFE, events.stream().map(event -> event.getString("type")).toList());
    for (int i = 0; i < events.size(); i++) {
      JsonObject event = events.get(i);
      assertEquals(i + 1, event.getLong("sequence"), event::encode);
      assertEquals(new JsonArray().add(lesson.student()).add(lesson.teacher()), event.getJsonArray("users"));
      assertEquals(lesson.bookingId(), event.getJsonObject("subject").getString("booking_id"));
      UUID.fromString(event.getString("id"));
      assertTrue(event.getString("created_at").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
    }
    assertEquals("pending", events.get(0).getJsonObject("data").getString("status"));
    assertEquals("confirmed", events.get(1).getJsonObject("data").getString("status"));
    assertEquals(lesson.sessionId(), events.get(2).getJsonObject("subject").getString("session_id"));
    assertEquals(lesson.meetingId(), events.get(3).getJsonObject("subject").getString("meeting_id"));
    assertEquals(lesson.meetingId(), events.get(3).getJsonObject("data").getString("meeting_id"));
    JsonObject joined = events.get(4).getJsonObject("data");
    assertEquals(lesson.student(), joined.getString("user_id"));
    assertFalse(joined.getJsonObject("attendee_data").containsKey("JoinToken"), joined::encode);
    assertEquals("active", events.get(5).getJsonObject("data").getString("status"));
    assertEquals(1, events.get(5).getJsonObject("data").getJsonArray("notes").size());
    assertEquals(lesson.completedSession(), events.get(7).getJsonObject("data"));
    assertEquals(lesson.completedBooking(), events.get(8).getJsonObject("data"));
    assertEquals(lesson.review(), events.get(9).getJsonObject("data"));
    assertEquals(events, eventsOf(server, server.token(lesson.teacher()), "", LIFE.size()));
  }

  @Test
  void aStudentNeverSeesAnotherStudentsEvents() {
    Lived mine = liveALesson(server, 6);
    Lived theirs = liveALesson(server, 9);
    List<JsonObject> seen = eventsOf(server, server.token(mine.student()), "", LIFE.size());
    assertEquals(LIFE.size(), seen.size());
    assertTrue(seen.stream().allMatch(event -> event.getJsonObject("subject").getString("booking_id").equals(mine.bookingId())));
    assertTrue(seen.stream().noneMatch(event -> event.getJsonArray("users").contains(theirs.student())));
    assertError(api.get("/events?all=true", server.token(mine.student())), 403);
    String stranger = seed.student();
    assertEquals(List.of(), eventsOf(server, server.token(stranger), "", 0));
  }

  @Test
  void anAdminReadsEveryonesEventsOnlyWithAllTrue() {
    Lived lesson = liveALesson(server, 12);
    String admin = server.adminToken("events-admin-" + UUID.randomUUID());
    assertEquals(List.of(), eventsOf(server, admin, "", 0));
    List<JsonObject> mine = eventsOf(server, server.token(lesson.student()), "", LIFE.size());
    List<JsonObject> all = eventsOf(server, admin, "?all=true&after=" + mine.get(0).getString("id") + "&limit=500", 1);
    assertTrue(all.containsAll(mine.subList(1, mine.size())), "admin's all=true lacks the lesson's events");
  }

  @Test
  void pollingAfterAnEventReturnsTheNextOnesAPageAtATime() {
    Lived lesson = liveALesson(server, 15);
    String s = server.token(lesson.student());
    List<JsonObject> events = eventsOf(server, s, "", LIFE.size());
    JsonObject page = assertJson(api.get("/events?limit=2&after=" + events.get(2).getString("id"), s), 200);
    assertEquals(new JsonArray().add(events.get(3)).add(events.get(4)), page.getJsonArray("events"));
    assertTrue(page.getBoolean("has_more"));
    JsonObject last = assertJson(api.get("/events?after=" + events.get(LIFE.size() - 1).getString("id"), s), 200);
    assertEquals(new JsonArray(), last.getJsonArray("events"));
    assertFalse(last.getBoolean("has_more"));
    assertError(api.get("/events?after=" + UUID.randomUUID(), s), 400);
    assertError(api.get("/events?after=nope", s), 400);
  }
}
