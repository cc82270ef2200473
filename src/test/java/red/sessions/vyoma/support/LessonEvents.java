package red.sessions.vyoma.support;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static red.sessions.vyoma.support.Api.assertError;
import static red.sessions.vyoma.support.Api.assertJson;
import static red.sessions.vyoma.support.Seed.bookingBody;
import static red.sessions.vyoma.support.Seed.hoursAhead;

/** A lesson lived through the API from booking to review, and the events its parties read of it. */
public final class LessonEvents {

  private LessonEvents() {
  }

  /** A lesson's whole life, as its parties make it through the API; the answers the events must repeat. */
  public record Lived(String student, String teacher, String bookingId, String sessionId, String meetingId,
               JsonObject completedBooking, JsonObject completedSession, JsonObject review) {
  }

  public static final List<String> LIFE = List.of("booking.created", "booking.confirmed", "session.created", "meeting.started",
    "attendee.joined", "session.updated", "meeting.ended", "session.updated", "booking.completed", "review.created");

  /**
   * Books, confirms, opens the session, meets, notes, ends and completes the lesson, and reviews it, each
   * step also sent a second time where the API allows it, which must change nothing and emit nothing.
   */
  public static Lived liveALesson(Client on, int hours) {
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
    // The lesson's time comes (in the test database): a booking completes only once it has started.
    Seed.lessonTimeCame(bookingId);
    JsonObject complete = new JsonObject().put("status", "completed");
    assertJson(api.send(HttpMethod.PUT, "/sessions/" + sessionId, t, complete), 200);
    assertJson(api.send(HttpMethod.PUT, "/sessions/" + sessionId, t, complete), 200);
    JsonObject review = assertJson(api.post("/bookings/" + bookingId + "/review", s, new JsonObject().put("rating", 5)), 201);
    review.remove("message");
    return new Lived(student, teacher, bookingId, sessionId, meetingId,
      assertJson(api.get("/bookings/" + bookingId, s), 200), assertJson(api.get("/sessions/" + sessionId, s), 200), review);
  }

  /** The caller's events once there are at least {@code count}, and then again a moment later, to see no more came. */
  public static List<JsonObject> eventsOf(Client on, String token, String query, int count) {
    Wait.poll(Duration.ofSeconds(10), Duration.ofMillis(100), () -> read(on, token, query), events -> events.size() >= count);
    Wait.sleep(300);
    return read(on, token, query);
  }

  private static List<JsonObject> read(Client on, String token, String query) {
    JsonObject page = assertJson(on.api().get("/events" + query, token), 200);
    return page.getJsonArray("events").stream().map(JsonObject.class::cast).toList();
  }
}
