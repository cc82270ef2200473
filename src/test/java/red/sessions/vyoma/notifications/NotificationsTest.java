package red.sessions.vyoma.notifications;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMessage;
import net.fortuna.ical4j.data.CalendarBuilder;
import net.fortuna.ical4j.data.ParserException;
import net.fortuna.ical4j.model.Calendar;
import net.fortuna.ical4j.model.Property;
import net.fortuna.ical4j.model.component.VEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import red.sessions.vyoma.support.Node;
import red.sessions.vyoma.support.Seed;
import red.sessions.vyoma.support.ServerTest;
import red.sessions.vyoma.support.TestServer;
import red.sessions.vyoma.support.Wait;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.time.Instant;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.support.Api.assertError;
import static red.sessions.vyoma.support.Api.assertJson;
import static red.sessions.vyoma.support.Schedules.everyDay;
import static red.sessions.vyoma.support.Schedules.rules;
import static red.sessions.vyoma.support.Schedules.schedule;
import static red.sessions.vyoma.support.Seed.bookingBody;
import static red.sessions.vyoma.support.Seed.hoursAhead;
import static red.sessions.vyoma.support.Seed.times;

/**
 * Email over real SMTP: GreenMail in this JVM is the mail server; the server under test sends to it as it would to
 * any, from the outbox's events. Reminders use one-minute offsets and lessons moved to start a minute or two from
 * now, and the dispatcher looks every second.
 */
class NotificationsTest extends ServerTest {

  private static final Duration WITHIN = Duration.ofSeconds(30);
  private static final Duration EVERY = Duration.ofMillis(200);
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("EEEE d MMMM uuuu, HH:mm", Locale.ENGLISH);

  private GreenMail mail;
  private ServerSetup smtp;

  @Override
  protected Map<String, String> settings() {
    int port = TestServer.freePort();
    smtp = new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
    mail = new GreenMail(smtp);
    mail.start();
    Map<String, String> settings = new HashMap<>(mailSettings());
    settings.put("VYOMA_SERIES_MATERIALIZE_INTERVAL_SECONDS", "1");
    return settings;
  }

  /** What every node of this class sends mail by: GreenMail, few at a time, retries and looks each second. */
  private Map<String, String> mailSettings() {
    return Map.of(
      "VYOMA_MAIL_PROVIDER", "smtp",
      "VYOMA_MAIL_HOST", "127.0.0.1",
      "VYOMA_MAIL_PORT", String.valueOf(smtp.getPort()),
      "VYOMA_MAIL_STARTTLS", "disabled",
      "VYOMA_MAIL_FROM", "Vyoma <lessons@vyoma.test>",
      "VYOMA_MAIL_MAX_IN_FLIGHT", "2",
      "VYOMA_MAIL_RETRY_BASE_SECONDS", "1",
      "VYOMA_MAIL_TIMEOUT_SECONDS", "2",
      "VYOMA_NOTIFICATIONS_POLL_SECONDS", "1");
  }

  @AfterAll
  void stopMail() {
    mail.stop();
  }

  @Test
  void eachBookingEmailReachesTheRightPartyOnceInTheirOwnZoneWithTheLessonsInvitation() throws MessagingException {
    String teacher = user("teacher", "Asia/Kolkata");
    String student = user("student", "America/New_York");
    seed.slot(teacher, hoursAhead(2), hoursAhead(8));
    String booking = seed.booking(student, teacher, hoursAhead(3), hoursAhead(4));

    MimeMessage request = only(teacher, "Lesson request from Name of " + student);
    assertTrue(text(request).contains(local(hoursAhead(3), "Asia/Kolkata") + "–"), text(request));
    assertTrue(text(request).contains("Asia/Kolkata (IST)"), text(request));
    assertNull(part(request, "text/calendar"), "a request changes no calendar yet");

    patch(booking, teacher, "confirmed");
    MimeMessage confirmed = only(student, "Lesson confirmed with Name of " + teacher);
    assertTrue(text(confirmed).contains(local(hoursAhead(3), "America/New_York")), text(confirmed));
    VEvent invited = invitation(confirmed, "REQUEST", booking, student);
    assertEquals("1", property(invited, Property.SEQUENCE));
    assertEquals("CONFIRMED", property(invited, Property.STATUS));
    assertEquals("mailto:" + student + "@example.com", property(invited, Property.ATTENDEE));
    assertEquals("mailto:lessons@vyoma.test", property(invited, Property.ORGANIZER));
    JsonArray record = assertJsonArray(api.get("/bookings/" + booking + "/notifications", server.token(student)));
    JsonObject sent = record.stream().map(JsonObject.class::cast)
      .filter(n -> n.getString("kind").equals("booking_confirmed")).findFirst().orElseThrow();
    assertEquals("sent", sent.getString("status"));
    assertEquals("<" + sent.getString("notification_id") + "@vyoma.test>", header(confirmed, "Message-ID"));
    assertEquals("List-Unsubscribe=One-Click", header(confirmed, "List-Unsubscribe-Post"));
    assertTrue(header(confirmed, "List-Unsubscribe").matches("<http://.*/unsubscribe/[^>]+>"), header(confirmed, "List-Unsubscribe"));

    assertJson(api.post("/bookings/" + booking + "/reschedule", server.token(teacher), times(hoursAhead(5), hoursAhead(6))), 200);
    MimeMessage moved = only(student, "Lesson with Name of " + teacher + " moved");
    assertTrue(text(moved).contains(local(hoursAhead(5), "America/New_York")), text(moved));
    VEvent movedEvent = invitation(moved, "REQUEST", booking, student);
    assertEquals("2", property(movedEvent, Property.SEQUENCE));
    assertEquals("CONFIRMED", property(movedEvent, Property.STATUS));
    assertEquals(hoursAhead(5).toInstant(), Instant.from(movedEvent.getStartDate().orElseThrow().getDate()));

    assertEquals(student, assertJson(api.send(HttpMethod.PATCH, "/bookings/" + booking, server.token(student),
      new JsonObject().put("status", "cancelled")), 200).getString("cancelled_by"));
    // The cancel takes the event out of the other party's calendar: the same UID, a higher SEQUENCE, CANCEL on the
    // calendar. The student who cancelled is not told of it: only the teacher's is queued.
    VEvent event = invitation(only(teacher, "Lesson with Name of " + student + " cancelled"), "CANCEL", booking, teacher);
    assertEquals("3", property(event, Property.SEQUENCE));
    assertEquals("CANCELLED", property(event, Property.STATUS));
    assertEquals(List.of(teacher), recipients(booking, "booking_cancelled"));
    // The mover is not told of their own move, and nothing came twice.
    assertEquals(0, received(teacher, "Lesson with Name of " + student + " moved").size());
    assertEquals(1, received(teacher, "Lesson request from Name of " + student).size());
    assertEquals(1, received(student, "Lesson confirmed with Name of " + teacher).size());
  }

  @Test
  void aTeacherWithoutAZoneOfTheirOwnIsWrittenToInTheirSchedulesZoneAndAStudentWithoutOneInUtc() throws MessagingException {
    String teacher = teacherOnSchedule("Asia/Tokyo");
    String student = user("student", null);
    OffsetDateTime start = hoursAhead(0);
    String booking = seed.booking(student, teacher, start, start.plusHours(1));

    MimeMessage request = only(teacher, "Lesson request from Name of " + student);
    assertTrue(text(request).contains(local(start, "Asia/Tokyo") + "–"), text(request));
    assertTrue(text(request).contains("Asia/Tokyo (JST)"), text(request));

    patch(booking, teacher, "confirmed");
    MimeMessage confirmed = only(student, "Lesson confirmed with Name of " + teacher);
    assertTrue(text(confirmed).contains(local(start, "UTC")), text(confirmed));
  }

  @Test
  void aSeriesIsRequestedInOneEmailAndAnOccurrenceItCannotBookIsToldToBothParties() throws MessagingException {
    String teacher = teacherOnSchedule("UTC");
    String student = user("student", null);
    OffsetDateTime first = Instant.now().plus(Duration.ofDays(2)).truncatedTo(ChronoUnit.HOURS).atOffset(ZoneOffset.UTC);
    // Inside the 15-day window: the lessons 2 and 9 days ahead, each a booking.
    JsonObject made = assertJson(api.post("/series", server.token(student),
      bookingBody(student, teacher, first, first.plusHours(1)).put("time_zone", "UTC")), 201);
    String series = made.getString("series_id");
    List<String> booked = made.getJsonArray("occurrences").stream().map(o -> ((JsonObject) o).getString("booking_id")).toList();
    assertEquals(2, booked.size());

    MimeMessage request = only(teacher, "Weekly lessons requested by Name of " + student);
    assertTrue(text(request).contains(local(first, "UTC")) && text(request).contains(local(first.plusWeeks(1), "UTC")),
      text(request));
    // The series' request is on each of its lessons' record, and no lesson was requested on its own.
    for (String booking : booked) {
      assertEquals(List.of(teacher), recipients(booking, "series_requested"));
      assertEquals(List.of(), recipients(booking, "booking_requested"));
    }

    // Confirmed, then the window widens and another student takes the third week: the sweep skips that one and books
    // the next ones confirmed, each with its confirmation and reminders like a lesson the teacher confirmed.
    assertJson(api.post("/series/" + series + "/confirm", server.token(teacher), new JsonObject()), 200);
    seed.schedule(teacher, schedule("UTC", everyDay("00:00", "24:00"), new JsonArray(), rules(0, 0, 15, 30)));
    OffsetDateTime third = first.plusWeeks(2);
    seed.booking(seed.student(), teacher, third, third.plusHours(1));
    Seed.seriesDueNow(series);
    String skipped = "A weekly lesson with Name of %s could not be booked";
    MimeMessage toStudent = only(student, skipped.formatted(teacher));
    assertTrue(text(toStudent).contains(local(third, "UTC")), text(toStudent));
    assertTrue(text(toStudent).contains("the teacher already has a booking at that time"), text(toStudent));
    only(teacher, skipped.formatted(student));

    JsonObject swept = assertJson(api.get("/series/" + series, server.token(student)), 200);
    String fourth = swept.getJsonArray("occurrences").getJsonObject(3).getString("booking_id");
    Wait.eventually(WITHIN, EVERY, () -> received(student, "Lesson confirmed with Name of " + teacher).size(),
      confirmations -> confirmations == swept.getJsonArray("occurrences").size() - 1, n -> n + " confirmations");
    assertEquals(List.of(student, student, teacher, teacher), recipients(fourth, "reminder").stream().sorted().toList());
    assertEquals(0, received(teacher, "Lesson request from Name of " + student).size());
    assertEquals(1, received(teacher, "Weekly lessons requested by Name of " + student).size());
  }

  @Test
  void anEventNotAsTheServerWritesItHoldsBackNoLaterEmail() throws SQLException {
    String teacher = user("teacher", null);
    String student = user("student", null);
    try (Connection connection = DriverManager.getConnection(TestServer.sharedJdbcUrl());
         PreparedStatement insert = connection.prepareStatement("INSERT INTO events (type, subject_id, subject, sequence, users, data)"
           + " VALUES ('booking.confirmed', gen_random_uuid(), '{}', 1, ARRAY[?], '{\"written\": \"by hand\"}')")) {
      insert.setString(1, student);
      insert.executeUpdate();
    }
    seed.slot(teacher, hoursAhead(2), hoursAhead(4));
    String booking = seed.booking(student, teacher, hoursAhead(2), hoursAhead(3));

    assertEquals(List.of(teacher), Wait.eventually(WITHIN, EVERY, () -> recipients(booking, "booking_requested"),
      queued -> !queued.isEmpty(), queued -> "the request after the unreadable event was never queued"));
    only(teacher, "Lesson request from Name of " + student);
  }

  @Test
  void anAdminsCancelIsToldToBothParties() {
    String teacher = user("teacher", null);
    String student = user("student", null);
    seed.slot(teacher, hoursAhead(2), hoursAhead(4));
    String booking = seed.booking(student, teacher, hoursAhead(2), hoursAhead(3));
    String admin = "admin-" + UUID.randomUUID();
    assertEquals(admin, assertJson(api.send(HttpMethod.PATCH, "/bookings/" + booking, server.adminToken(admin),
      new JsonObject().put("status", "cancelled")), 200).getString("cancelled_by"));
    invitation(only(teacher, "Lesson with Name of " + student + " cancelled"), "CANCEL", booking, teacher);
    invitation(only(student, "Lesson with Name of " + teacher + " cancelled"), "CANCEL", booking, student);
  }

  @Test
  void remindersArriveAtTheirOffsetsAndVanishWithACancelledOrMovedLesson() {
    String teacher = user("teacher", null);
    String student = user("student", null);
    reminders(teacher, 1);
    reminders(student, 1);
    seed.slot(teacher, hoursAhead(0), hoursAhead(8));

    // A lesson that starts 80 s from now, confirmed: each party's one-minute reminder falls due 20 s from now.
    String soon = seed.booking(student, teacher, hoursAhead(0), hoursAhead(1));
    Seed.lessonStartsIn(soon, Duration.ofSeconds(80));
    patch(soon, teacher, "confirmed");
    // The one a day before it, by a default offset, never applies: the preferences said 1 minute only.
    Wait.eventually(Duration.ofSeconds(60), EVERY, () -> received(student, "Reminder: lesson with Name of " + teacher + " in 1 minute").size() == 1
        && received(teacher, "Reminder: lesson with Name of " + student + " in 1 minute").size() == 1,
      () -> "reminders of " + soon + ": " + api.get("/bookings/" + soon + "/notifications", server.adminToken("admin")).bodyAsString());

    // Another, confirmed, then moved by the teacher: its reminders are replaced; then cancelled: none is left.
    String later = seed.booking(student, teacher, hoursAhead(2), hoursAhead(3));
    patch(later, teacher, "confirmed");
    assertJson(api.post("/bookings/" + later + "/reschedule", server.token(teacher), times(hoursAhead(4), hoursAhead(5))), 200);
    JsonArray afterMove = Wait.eventually(WITHIN, EVERY, () -> reminderRecord(later),
      record -> record.size() == 4, record -> "reminders after the move: " + record);
    assertEquals(List.of("cancelled", "cancelled", "scheduled", "scheduled"), statuses(afterMove));
    assertEquals(hoursAhead(4).minusMinutes(1).toInstant(),
      OffsetDateTime.parse(afterMove.getJsonObject(3).getString("due_at")).toInstant());
    patch(later, student, "cancelled");
    JsonArray afterCancel = Wait.eventually(WITHIN, EVERY, () -> reminderRecord(later),
      record -> statuses(record).stream().allMatch("cancelled"::equals), record -> "reminders after the cancel: " + record);
    assertEquals("the lesson was cancelled", afterCancel.getJsonObject(3).getString("error"));
  }

  @Test
  void aReminderWhoseTimeHadPassedAtConfirmationIsSkippedNotSentLate() {
    String teacher = user("teacher", null);
    String student = user("student", null);
    seed.slot(teacher, hoursAhead(0), hoursAhead(2));
    // Confirmed 23 hours or less before it starts: the default 1440-minute reminder's time had passed.
    String booking = seed.booking(student, teacher, hoursAhead(0), hoursAhead(1));
    patch(booking, teacher, "confirmed");
    JsonArray record = Wait.eventually(WITHIN, EVERY, () -> reminderRecord(booking), r -> r.size() == 4, r -> "reminders: " + r);
    assertEquals(List.of("scheduled", "scheduled", "skipped", "skipped"), statuses(record));
    record.stream().map(JsonObject.class::cast).filter(n -> n.getString("status").equals("skipped")).forEach(skipped -> {
      assertEquals(1440, skipped.getInteger("minutes_before"));
      assertTrue(skipped.getString("error").contains("less than 1440 minutes before its start"), skipped.encode());
    });
  }

  @Test
  void oneClickUnsubscribeStopsEveryEmailAndAForgedLinkChangesNothing() throws MessagingException {
    String teacher = user("teacher", null);
    String student = user("student", null);
    seed.slot(teacher, hoursAhead(0), hoursAhead(4));
    seed.booking(student, teacher, hoursAhead(0), hoursAhead(1));
    String link = header(only(teacher, "Lesson request from Name of " + student), "List-Unsubscribe");
    String path = link.substring(link.indexOf("/unsubscribe/"), link.length() - 1);

    assertError(api.post(path + "x", null, null), 400);
    assertJson(api.post(path, null, null), 200);
    assertEquals(new JsonObject().put("email", false).put("reminders_minutes_before", new JsonArray().add(1440).add(60)),
      assertJson(api.get("/profiles/" + teacher + "/notifications", server.token(teacher)), 200));

    String second = seed.booking(student, teacher, hoursAhead(2), hoursAhead(3));
    JsonArray record = Wait.eventually(WITHIN, EVERY,
      () -> assertJsonArray(api.get("/bookings/" + second + "/notifications", server.token(teacher))),
      r -> r.size() == 1 && !"scheduled".equals(r.getJsonObject(0).getString("status")), r -> "record: " + r);
    assertEquals("skipped", record.getJsonObject(0).getString("status"));
    assertEquals("the recipient turned email off", record.getJsonObject(0).getString("error"));
    assertEquals(1, received(teacher, "Lesson request from Name of " + student).size());
  }

  @Test
  void anEmailRefusedWhileTheMailServerIsDownIsTriedAgainAndDeliveredOnceItIsBack() {
    String teacher = user("teacher", null);
    String student = user("student", null);
    seed.slot(teacher, hoursAhead(0), hoursAhead(2));
    mail.stop();
    String booking;
    JsonObject retried;
    try {
      booking = seed.booking(student, teacher, hoursAhead(0), hoursAhead(1));
      // The fan-out queues the email a moment after the booking commits: until then there is no record.
      retried = Wait.eventually(WITHIN, EVERY, () -> firstEmail(booking, teacher),
        n -> n != null && n.getInteger("attempts") >= 2, n -> "record: " + n);
    } finally {
      // The mail server comes back whatever happened, so that this class's other tests have it.
      mail = new GreenMail(smtp);
      mail.start();
    }
    assertEquals("scheduled", retried.getString("status"));
    assertTrue(retried.getString("error") != null, retried.encode());

    only(teacher, "Lesson request from Name of " + student);
    JsonObject sent = Wait.eventually(WITHIN, EVERY, () -> firstEmail(booking, teacher),
      n -> n != null && "sent".equals(n.getString("status")), n -> "record: " + n);
    assertTrue(sent.getInteger("attempts") >= 3, sent.encode());
  }

  /** The first email of the booking's record as the user sees it; null while there is none. */
  private JsonObject firstEmail(String booking, String userId) {
    JsonArray record = assertJsonArray(api.get("/bookings/" + booking + "/notifications", server.token(userId)));
    return record.isEmpty() ? null : record.getJsonObject(0);
  }

  @Test
  void twoNodesSendingFromOneDatabaseSendEachEmailOnce() {
    Map<String, String> env = Node.alone();
    env.putAll(mailSettings());
    Node second = Node.start("notifications", env).awaitReady(1);
    try {
      String teacher = user("teacher", null);
      int lessons = 10;
      seed.slot(teacher, hoursAhead(0), hoursAhead(lessons));
      List<String> students = IntStream.range(0, lessons).mapToObj(i -> user("student", null)).toList();
      // Requested on this node, confirmed on the other: both fan out and send, each two at a time.
      List<String> bookings = IntStream.range(0, lessons)
        .mapToObj(i -> seed.booking(students.get(i), teacher, hoursAhead(i), hoursAhead(i + 1))).toList();
      bookings.forEach(booking -> assertJson(second.api().send(HttpMethod.PATCH, "/bookings/" + booking,
        second.token(teacher), new JsonObject().put("status", "confirmed")), 200));

      for (String booking : bookings) {
        List<JsonObject> emails = Wait.eventually(WITHIN, EVERY, () -> assertJsonArray(api.get("/bookings/" + booking
            + "/notifications", server.adminToken("admin"))).stream().map(JsonObject.class::cast)
            .filter(n -> !n.getString("kind").equals("reminder")).toList(),
          found -> found.size() == 2 && found.stream().allMatch(n -> "sent".equals(n.getString("status"))),
          found -> "emails of " + booking + ": " + found);
        // Each claimed once: a claim counts an attempt.
        emails.forEach(email -> assertEquals(1, email.getInteger("attempts"), email::encode));
      }
      for (String student : students) {
        assertEquals(1, received(teacher, "Lesson request from Name of " + student).size(), student);
        assertEquals(1, received(student, "Lesson confirmed with Name of " + teacher).size(), student);
      }
    } finally {
      second.stop();
    }
  }

  @Test
  void preferencesAreTheUsersOwnAndChecked() {
    String student = user("student", null);
    assertEquals(new JsonObject().put("email", true).put("reminders_minutes_before", new JsonArray().add(1440).add(60)),
      assertJson(api.get("/profiles/" + student + "/notifications", server.token(student)), 200));
    assertError(api.get("/profiles/" + student + "/notifications", server.token("someone-else")), 403);
    for (JsonObject bad : List.of(new JsonObject().put("email", true),
      new JsonObject().put("email", "yes").put("reminders_minutes_before", new JsonArray()),
      new JsonObject().put("email", true).put("reminders_minutes_before", new JsonArray().add(0)),
      new JsonObject().put("email", true).put("reminders_minutes_before", new JsonArray().add(10081)),
      new JsonObject().put("email", true).put("reminders_minutes_before", new JsonArray().add(1).add(2).add(3).add(4)))) {
      assertError(api.send(HttpMethod.PUT, "/profiles/" + student + "/notifications", server.token(student), bad), 400);
    }
    assertEquals(new JsonObject().put("email", true).put("reminders_minutes_before", new JsonArray().add(120).add(30)),
      assertJson(api.send(HttpMethod.PUT, "/profiles/" + student + "/notifications", server.token(student),
        new JsonObject().put("email", true).put("reminders_minutes_before", new JsonArray().add(30).add(120).add(30))), 200));
    JsonObject profile = new JsonObject().put("user_id", student).put("role", "student").put("profile_data",
      new JsonObject().put("name", "N").put("email", student + "@example.com").put("time_zone", "Mars/Olympus"));
    assertError(api.post("/profiles", server.token(student), profile), 400);
  }

  private String user(String role, String timeZone) {
    String userId = role + "-" + UUID.randomUUID();
    JsonObject data = new JsonObject().put("name", "Name of " + userId).put("email", userId + "@example.com");
    if (timeZone != null) {
      data.put("time_zone", timeZone);
    }
    assertJson(api.post("/profiles", server.token(userId), new JsonObject().put("user_id", userId).put("role", role)
      .put("profile_data", data)), 201);
    return userId;
  }

  /** A teacher without a zone of their own, bookable round the clock in {@code zone} for 15 days ahead. */
  private String teacherOnSchedule(String zone) {
    String teacher = user("teacher", null);
    seed.schedule(teacher, schedule(zone, everyDay("00:00", "24:00"), new JsonArray(), rules(0, 0, 15, 15)));
    return teacher;
  }

  private void reminders(String userId, int... minutes) {
    JsonArray offsets = new JsonArray();
    Arrays.stream(minutes).forEach(offsets::add);
    assertJson(api.send(HttpMethod.PUT, "/profiles/" + userId + "/notifications", server.token(userId),
      new JsonObject().put("email", true).put("reminders_minutes_before", offsets)), 200);
  }

  private void patch(String booking, String userId, String status) {
    assertJson(api.send(HttpMethod.PATCH, "/bookings/" + booking, server.token(userId), new JsonObject().put("status", status)), 200);
  }

  private JsonArray reminderRecord(String booking) {
    return new JsonArray(assertJsonArray(api.get("/bookings/" + booking + "/notifications", server.adminToken("admin")))
      .stream().filter(n -> ((JsonObject) n).getString("kind").equals("reminder")).toList());
  }

  /** To whom the booking's emails of this kind were queued, as its record shows them. */
  private List<String> recipients(String booking, String kind) {
    return assertJsonArray(api.get("/bookings/" + booking + "/notifications", server.adminToken("admin"))).stream()
      .map(JsonObject.class::cast).filter(n -> n.getString("kind").equals(kind)).map(n -> n.getString("recipient")).toList();
  }

  private static List<String> statuses(JsonArray record) {
    return record.stream().map(n -> ((JsonObject) n).getString("status")).sorted().toList();
  }

  private static JsonArray assertJsonArray(HttpResponse<Buffer> response) {
    assertEquals(200, response.statusCode(), response::bodyAsString);
    return response.bodyAsJsonArray();
  }

  /** The one message with this subject to the user, waited for; fails if none comes or more than one (by Message-ID). */
  private MimeMessage only(String userId, String subject) {
    List<MimeMessage> found = Wait.eventually(WITHIN, EVERY, () -> received(userId, subject), list -> !list.isEmpty(),
      list -> "no \"" + subject + "\" to " + userId);
    assertEquals(1, found.size(), subject);
    return found.get(0);
  }

  /**
   * The messages with this subject the user received, one per {@code Message-ID}: a send that timed out after the
   * server had taken the message (a slow moment under this test's short mail timeout) is sent again, as the
   * same message with the same id, which is how a resend is meant to be recognised.
   */
  private List<MimeMessage> received(String userId, String subject) {
    Map<String, MimeMessage> byId = new LinkedHashMap<>();
    Arrays.stream(mail.getReceivedMessages()).filter(message -> {
      try {
        return message.getRecipients(Message.RecipientType.TO)[0].toString().equals(userId + "@example.com")
          && subject.equals(message.getSubject());
      } catch (MessagingException e) {
        throw new IllegalStateException(e);
      }
    }).forEach(message -> byId.putIfAbsent(header(message, "Message-ID"), message));
    return List.copyOf(byId.values());
  }

  private static String header(MimeMessage message, String name) {
    try {
      return message.getHeader(name, null);
    } catch (MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The plain-text alternative, decoded. */
  private static String text(MimeMessage message) {
    BodyPart text = part(message, "text/plain");
    if (text == null) {
      throw new AssertionError("no text/plain part");
    }
    return content(text);
  }

  /** The first part of this type, however deep in the message's multiparts; null for none. */
  private static BodyPart part(MimeMessage message, String type) {
    try {
      return part((Multipart) message.getContent(), type);
    } catch (MessagingException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static BodyPart part(Multipart parts, String type) throws MessagingException, IOException {
    for (int i = 0; i < parts.getCount(); i++) {
      BodyPart part = parts.getBodyPart(i);
      if (part.isMimeType(type)) {
        return part;
      }
      if (part.isMimeType("multipart/*")) {
        BodyPart inner = part((Multipart) part.getContent(), type);
        if (inner != null) {
          return inner;
        }
      }
    }
    return null;
  }

  private static String content(BodyPart part) {
    try {
      Object content = part.getContent();
      return content instanceof String text ? text : new String(((InputStream) content).readAllBytes(),
        new ContentType(part.getContentType()).getParameter("charset"));
    } catch (MessagingException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The email's calendar invitation, read back with iCal4j: its part and its calendar name the method, it holds one
   * event, and that event has the booking's UID and SEQUENCE as the booking's own {@code .ics} has them now.
   */
  private static VEvent invitation(MimeMessage message, String method, String booking, String recipient) {
    BodyPart part = part(message, "text/calendar");
    assertTrue(part != null, "no text/calendar part");
    try {
      assertEquals(method, new ContentType(part.getContentType()).getParameter("method"));
    } catch (MessagingException e) {
      throw new IllegalStateException(e);
    }
    Calendar calendar = calendar(content(part));
    assertEquals(method, calendar.getProperty(Property.METHOD).map(Property::getValue).orElse(null));
    List<VEvent> events = calendar.getComponents(VEvent.VEVENT);
    assertEquals(1, events.size());
    VEvent event = events.get(0);
    VEvent ics = calendar(api.get("/bookings/" + booking + "/calendar.ics", server.token(recipient)).bodyAsString())
      .<VEvent>getComponents(VEvent.VEVENT).get(0);
    assertTrue(property(event, Property.UID).startsWith(booking + "@"), property(event, Property.UID));
    assertEquals(property(ics, Property.UID), property(event, Property.UID));
    assertEquals(property(ics, Property.SEQUENCE), property(event, Property.SEQUENCE));
    return event;
  }

  private static Calendar calendar(String text) {
    try {
      return new CalendarBuilder().build(new StringReader(text));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (ParserException e) {
      throw new AssertionError("not iCalendar: " + e.getMessage() + "\n" + text, e);
    }
  }

  private static String property(VEvent event, String name) {
    return event.getProperty(name).map(Property::getValue).orElse(null);
  }

  private static String local(OffsetDateTime time, String zone) {
    return CLOCK.format(time.atZoneSameInstant(ZoneId.of(zone)));
  }
}
