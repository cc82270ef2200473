package red.sessions.vyoma.events;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import red.sessions.vyoma.support.LessonEvents;
import red.sessions.vyoma.support.ServerTest;
import red.sessions.vyoma.support.TestServer;
import red.sessions.vyoma.support.Wait;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.support.Api.assertError;
import static red.sessions.vyoma.support.Api.assertJson;
import static red.sessions.vyoma.support.Seed.hoursAhead;

/** The outbox as users read it: every change of a lesson is one event, in order, seen only by its parties. */
class EventsTest extends ServerTest {

  @Test
  void aLessonsWholeLifeIsExactlyItsEventsInOrderWithTheResourcesAsTheApiShowsThem() {
    LessonEvents.Lived lesson = LessonEvents.liveALesson(server, 3);
    List<JsonObject> events = LessonEvents.eventsOf(server, server.token(lesson.student()), "", LessonEvents.LIFE.size());
    assertEquals(LessonEvents.LIFE, events.stream().map(event -> event.getString("type")).toList());
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
    assertEquals(events, LessonEvents.eventsOf(server, server.token(lesson.teacher()), "", LessonEvents.LIFE.size()));
  }

  @Test
  void aStudentNeverSeesAnotherStudentsEvents() {
    LessonEvents.Lived mine = LessonEvents.liveALesson(server, 6);
    LessonEvents.Lived theirs = LessonEvents.liveALesson(server, 9);
    List<JsonObject> seen = LessonEvents.eventsOf(server, server.token(mine.student()), "", LessonEvents.LIFE.size());
    assertEquals(LessonEvents.LIFE.size(), seen.size());
    assertTrue(seen.stream().allMatch(event -> event.getJsonObject("subject").getString("booking_id").equals(mine.bookingId())));
    assertTrue(seen.stream().noneMatch(event -> event.getJsonArray("users").contains(theirs.student())));
    assertError(api.get("/events?all=true", server.token(mine.student())), 403);
    String stranger = seed.student();
    assertEquals(List.of(), LessonEvents.eventsOf(server, server.token(stranger), "", 0));
  }

  @Test
  void anAdminReadsEveryonesEventsOnlyWithAllTrue() {
    LessonEvents.Lived lesson = LessonEvents.liveALesson(server, 12);
    String admin = server.adminToken("events-admin-" + UUID.randomUUID());
    assertEquals(List.of(), LessonEvents.eventsOf(server, admin, "", 0));
    List<JsonObject> mine = LessonEvents.eventsOf(server, server.token(lesson.student()), "", LessonEvents.LIFE.size());
    List<JsonObject> all = LessonEvents.eventsOf(server, admin, "?all=true&after=" + mine.get(0).getString("id") + "&limit=500", 1);
    assertTrue(all.containsAll(mine.subList(1, mine.size())), "admin's all=true lacks the lesson's events");
  }

  @Test
  void pollingAfterAnEventReturnsTheNextOnesAPageAtATime() {
    LessonEvents.Lived lesson = LessonEvents.liveALesson(server, 15);
    String s = server.token(lesson.student());
    List<JsonObject> events = LessonEvents.eventsOf(server, s, "", LessonEvents.LIFE.size());
    JsonObject page = assertJson(api.get("/events?limit=2&after=" + events.get(2).getString("id"), s), 200);
    assertEquals(new JsonArray().add(events.get(3)).add(events.get(4)), page.getJsonArray("events"));
    assertTrue(page.getBoolean("has_more"));
    JsonObject last = assertJson(api.get("/events?after=" + events.get(LessonEvents.LIFE.size() - 1).getString("id"), s), 200);
    assertEquals(new JsonArray(), last.getJsonArray("events"));
    assertFalse(last.getBoolean("has_more"));
    assertError(api.get("/events?after=" + UUID.randomUUID(), s), 400);
    assertError(api.get("/events?after=nope", s), 400);
  }

  /**
   * Reading after another user's event answers as reading after no event at all, so a user cannot find out
   * whether an id is someone's event; the event's own parties read after it as usual.
   */
  @Test
  void anotherUsersEventIdIsRefusedExactlyAsAnIdOfNoEvent() {
    String teacher = seed.teacher("Physics");
    String student = seed.student();
    seed.slot(teacher, hoursAhead(24), hoursAhead(25));
    seed.booking(student, teacher, hoursAhead(24), hoursAhead(25));
    String theirs = LessonEvents.eventsOf(server, server.token(student), "", 1).get(0).getString("id");
    assertJson(api.get("/events?after=" + theirs, server.token(teacher)), 200);
    String s = server.token(seed.student());
    String unknown = UUID.randomUUID().toString();
    JsonObject ofSomeoneElse = assertError(api.get("/events?after=" + theirs, s), 400);
    JsonObject ofNoOne = assertError(api.get("/events?after=" + unknown, s), 400);
    assertEquals(ofNoOne.getString("message").replace(unknown, theirs), ofSomeoneElse.getString("message"));
  }

  /**
   * A change that started earlier but commits later is never skipped: its event is held back, and so is every
   * later one, until it commits; then both come in commit-safe order, the earlier first.
   */
  @Test
  void anEventOfAnOlderTransactionStillRunningHoldsBackLaterOnesSoNoneIsSkipped() throws SQLException {
    String teacher = seed.teacher("Physics");
    String student = seed.student();
    String s = server.token(student);
    try (Connection slow = DriverManager.getConnection(TestServer.sharedJdbcUrl())) {
      slow.setAutoCommit(false);
      try (PreparedStatement insert = slow.prepareStatement("INSERT INTO events (type, subject_id, subject, sequence, users, data)"
        + " VALUES ('booking.created', gen_random_uuid(), '{}', 1, ARRAY[?], '{\"slow\": true}')")) {
        insert.setString(1, student);
        insert.executeUpdate();
      }
      seed.slot(teacher, hoursAhead(20), hoursAhead(21));
      String bookingId = seed.booking(student, teacher, hoursAhead(20), hoursAhead(21));
      Wait.sleep(500);
      assertEquals(new JsonArray(), assertJson(api.get("/events", s), 200).getJsonArray("events"),
        "the booking's event waits for the older transaction");
      slow.commit();
      List<JsonObject> events = LessonEvents.eventsOf(server, s, "", 2);
      assertEquals(List.of(true, false), events.stream().map(event -> event.getJsonObject("data").containsKey("slow")).toList());
      assertEquals(bookingId, events.get(1).getJsonObject("data").getString("booking_id"));
    }
  }

  /**
   * The outbox's order is its transactions' ids as numbers: events of transaction 9 come before those of 10, though
   * "10" sorts before "9" as text (as the ids of a deployment's transactions do each time they gain a digit).
   */
  @Test
  void eventsComeInTheOrderOfTheirTransactionsWhateverTheNumbersLength() throws SQLException {
    String student = seed.student();
    try (Connection connection = DriverManager.getConnection(TestServer.sharedJdbcUrl());
         PreparedStatement insert = connection.prepareStatement("INSERT INTO events (type, subject_id, subject, sequence,"
           + " users, data, txid) VALUES ('session.created', gen_random_uuid(), '{}', 1, ARRAY[?], ?::jsonb, ?::xid8)")) {
      for (String txid : List.of("10", "9")) {
        insert.setString(1, student);
        insert.setString(2, new JsonObject().put("transaction", txid).encode());
        insert.setString(3, txid);
        insert.executeUpdate();
      }
    }
    String token = server.token(student);
    List<String> all = assertJson(api.get("/events", token), 200).getJsonArray("events").stream()
      .map(event -> ((JsonObject) event).getJsonObject("data").getString("transaction")).toList();
    assertEquals(List.of("9", "10"), all);
    List<String> byPages = new ArrayList<>();
    String after = "";
    for (int page = 0; page < 2; page++) {
      JsonObject one = assertJson(api.get("/events?limit=1" + after, token), 200).getJsonArray("events").getJsonObject(0);
      byPages.add(one.getJsonObject("data").getString("transaction"));
      after = "&after=" + one.getString("id");
    }
    assertEquals(List.of("9", "10"), byPages, "a page at a time, none skipped");
  }
}
