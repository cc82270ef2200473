package red.sessions.vyoma.calendars;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import net.fortuna.ical4j.data.CalendarBuilder;
import net.fortuna.ical4j.data.ParserException;
import net.fortuna.ical4j.model.Calendar;
import net.fortuna.ical4j.model.Property;
import net.fortuna.ical4j.model.component.VEvent;
import org.junit.jupiter.api.Test;
import red.sessions.vyoma.support.Seed;
import red.sessions.vyoma.support.Seed.Lesson;
import red.sessions.vyoma.support.ServerTest;
import red.sessions.vyoma.support.TestServer;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.Temporal;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
 * Lessons out to calendar apps: a booking's {@code .ics} and the secret feeds, read back with iCal4j as a calendar
 * app would read them.
 */
class CalendarsTest extends ServerTest {

  private static final String UID_HOST = "calendar.vyoma.test";
  private static final String JOIN = "https://app.example.com/lessons/";
  private static final int FEED_BURST = 4;

  @Override
  protected Map<String, String> settings() {
    return Map.of(
      "VYOMA_CALENDARS_UID_HOST", UID_HOST,
      "VYOMA_CALENDARS_JOIN_URL_TEMPLATE", JOIN + "{booking_id}",
      "VYOMA_CALENDARS_MAX_FEEDS_PER_USER", "3",
      "VYOMA_RATE_LIMITS_FEED_BURST", String.valueOf(FEED_BURST),
      "VYOMA_RATE_LIMITS_FEED_PER_MINUTE", "1");
  }

  /** A confirmed lesson three hours after tomorrow, whose teacher is available around the clock (so it can move). */
  private static Lesson lesson() {
    Lesson lesson = seed.lesson(3);
    seed.schedule(lesson.teacherId(), schedule("UTC", everyDay("00:00", "24:00"), new JsonArray(), rules(0, 0, 15, 365)));
    return lesson;
  }

  private static HttpResponse<Buffer> bookingIcs(String bookingId, String userId) {
    return api.get("/bookings/" + bookingId + "/calendar.ics", server.token(userId));
  }

  /** The one event of a booking's {@code .ics}, checked to be a PUBLISH calendar of one event. */
  private static VEvent theEvent(HttpResponse<Buffer> response) {
    assertEquals(200, response.statusCode(), response::bodyAsString);
    assertEquals("text/calendar; charset=utf-8", response.getHeader("Content-Type"));
    Calendar calendar = parse(response.bodyAsString());
    assertEquals("PUBLISH", value(calendar.getProperty(Property.METHOD)));
    List<VEvent> events = calendar.getComponents().stream().filter(VEvent.class::isInstance).map(VEvent.class::cast).toList();
    assertEquals(1, events.size());
    return events.get(0);
  }

  private static Calendar parse(String text) {
    try {
      return new CalendarBuilder().build(new StringReader(text));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ParserException e) {
      throw new AssertionError("not iCalendar: " + e.getMessage() + "\n" + text, e);
    }
  }

  private static String value(Optional<? extends Property> property) {
    return property.map(Property::getValue).orElse(null);
  }

  private static String property(VEvent event, String name) {
    return value(event.getProperty(name));
  }

  private static Instant startOf(VEvent event) {
    return Instant.from((Temporal) event.getStartDate().orElseThrow().getDate());
  }

  private static Instant endOf(VEvent event) {
    return Instant.from((Temporal) event.getEndDate().orElseThrow().getDate());
  }

  /** The event as a calendar app tracks it: the fields that say which lesson, which revision, when and whether. */
  private record Seen(String uid, int sequence, String status, Instant start, Instant end) {

    static Seen of(VEvent event) {
      return new Seen(property(event, Property.UID), Integer.parseInt(property(event, Property.SEQUENCE)),
        property(event, Property.STATUS), startOf(event), endOf(event));
    }
  }

  private static String uid(String bookingId) {
    return bookingId + "@" + UID_HOST;
  }

  private static int version(String bookingId, String userId) {
    String etag = api.get("/bookings/" + bookingId, server.token(userId)).getHeader("ETag");
    return Integer.parseInt(etag.replace("\"", ""));
  }

  private static HttpResponse<Buffer> patch(String bookingId, String userId, String status) {
    return api.send(HttpMethod.PATCH, "/bookings/" + bookingId, server.token(userId), new JsonObject().put("status", status));
  }

  @Test
  void aBookingsEventKeepsItsUidAndCountsItsRescheduleAndCancelInItsSequence() {
    Lesson lesson = lesson();
    String teacherName = "Name of " + lesson.teacherId();
    String studentName = "Name of " + lesson.studentId();

    VEvent confirmed = theEvent(bookingIcs(lesson.bookingId(), lesson.studentId()));
    assertEquals(new Seen(uid(lesson.bookingId()), 1, "CONFIRMED", hoursAhead(3).toInstant(), hoursAhead(4).toInstant()),
      Seen.of(confirmed));
    // In UTC as written, not only as the same instant: a time with a TZID needs its VTIMEZONE, which the event has not.
    for (String time : List.of(Property.DTSTART, Property.DTEND)) {
      Property written = confirmed.getProperty(time).orElseThrow();
      assertTrue(written.getValue().endsWith("Z") && written.getParameter("TZID").isEmpty(), written::toString);
    }
    assertEquals("Lesson with " + teacherName, property(confirmed, Property.SUMMARY));
    assertEquals("Join the lesson: " + JOIN + lesson.bookingId(), property(confirmed, Property.DESCRIPTION));
    assertEquals(JOIN + lesson.bookingId(), property(confirmed, Property.URL));
    VEvent teachers = theEvent(bookingIcs(lesson.bookingId(), lesson.teacherId()));
    assertEquals("Lesson with " + studentName, property(teachers, Property.SUMMARY));
    assertEquals(Seen.of(confirmed), Seen.of(teachers));

    assertJson(api.post("/bookings/" + lesson.bookingId() + "/reschedule", server.token(lesson.teacherId()),
      times(hoursAhead(30), hoursAhead(31))), 200);
    Seen moved = Seen.of(theEvent(bookingIcs(lesson.bookingId(), lesson.studentId())));
    assertEquals(new Seen(uid(lesson.bookingId()), 2, "CONFIRMED", hoursAhead(30).toInstant(), hoursAhead(31).toInstant()),
      moved);

    assertJson(patch(lesson.bookingId(), lesson.studentId(), "cancelled"), 200);
    VEvent cancelled = theEvent(bookingIcs(lesson.bookingId(), lesson.studentId()));
    assertEquals(new Seen(uid(lesson.bookingId()), 3, "CANCELLED", hoursAhead(30).toInstant(), hoursAhead(31).toInstant()),
      Seen.of(cancelled));
    // The count is the booking's version less the one it was made with.
    assertEquals(version(lesson.bookingId(), lesson.studentId()) - 1, Seen.of(cancelled).sequence());
  }

  @Test
  void aPendingBookingIsTentativeAndNoEmailIsShown() {
    String teacher = seed.teacher("Physics");
    String student = seed.student();
    seed.slot(teacher, hoursAhead(5), hoursAhead(6));
    String bookingId = seed.booking(student, teacher, hoursAhead(5), hoursAhead(6));
    // They share a request, not a confirmed booking: the email rule shows neither email to the other.
    HttpResponse<Buffer> response = bookingIcs(bookingId, student);
    Seen seen = Seen.of(theEvent(response));
    assertEquals(new Seen(uid(bookingId), 0, "TENTATIVE", hoursAhead(5).toInstant(), hoursAhead(6).toInstant()), seen);
    assertFalse(response.bodyAsString().contains("@example.com"), response::bodyAsString);

    // Nor once it is confirmed: an event never carries an email address.
    assertJson(patch(bookingId, teacher, "confirmed"), 200);
    HttpResponse<Buffer> confirmed = bookingIcs(bookingId, student);
    assertEquals("CONFIRMED", Seen.of(theEvent(confirmed)).status());
    assertFalse(confirmed.bodyAsString().contains("@example.com"), confirmed::bodyAsString);
  }

  @Test
  void anAdminReadsAnyBookingsEventWithBothNames() {
    Lesson lesson = seed.lesson(3);
    VEvent event = theEvent(api.get("/bookings/" + lesson.bookingId() + "/calendar.ics", server.adminToken("admin-" + UUID.randomUUID())));
    assertEquals("Lesson with Name of " + lesson.teacherId() + " and Name of " + lesson.studentId(),
      property(event, Property.SUMMARY));
  }

  @Test
  void othersGetTheAnswersOfTheBookingsOwnRead() {
    Lesson lesson = seed.lesson(3);
    String stranger = seed.student();
    for (String bookingId : List.of(lesson.bookingId(), UUID.randomUUID().toString(), "not-a-uuid")) {
      HttpResponse<Buffer> booking = api.get("/bookings/" + bookingId, server.token(stranger));
      HttpResponse<Buffer> event = bookingIcs(bookingId, stranger);
      assertTrue(booking.statusCode() >= 400 && booking.statusCode() < 500, booking::bodyAsString);
      assertEquals(assertError(booking, booking.statusCode()), assertError(event, booking.statusCode()));
    }
    assertEquals(403, bookingIcs(lesson.bookingId(), stranger).statusCode());
    assertEquals(401, api.get("/bookings/" + lesson.bookingId() + "/calendar.ics", null).statusCode());
  }

  /** A new feed of the user: its id, and the path of its secret address on this server. */
  private record MadeFeed(String id, String path) {
  }

  private static MadeFeed feed(String userId) {
    JsonObject made = assertJson(api.post("/calendar-feeds", server.token(userId), null), 201);
    URI url = URI.create(made.getString("url"));
    assertEquals(URI.create(server.config().calendars().getString("base_url")).getAuthority(), url.getAuthority());
    assertTrue(url.getPath().matches("/calendar-feeds/[A-Za-z0-9_-]{43}\\.ics"), url::toString);
    return new MadeFeed(made.getString("id"), url.getPath());
  }

  /** A feed fetched as a calendar app does: no Authorization. */
  private static HttpResponse<Buffer> fetch(String path) {
    return api.get(path, null);
  }

  private static Map<String, Seen> events(HttpResponse<Buffer> response) {
    assertEquals(200, response.statusCode(), response::bodyAsString);
    assertEquals("text/calendar; charset=utf-8", response.getHeader("Content-Type"));
    Calendar calendar = parse(response.bodyAsString());
    assertEquals("PUBLISH", value(calendar.getProperty(Property.METHOD)));
    List<VEvent> events = calendar.getComponents().stream().filter(VEvent.class::isInstance).map(VEvent.class::cast).toList();
    return events.stream().map(Seen::of).collect(Collectors.toMap(Seen::uid, seen -> seen));
  }

  @Test
  void aFeedShowsTheOwnersLessonsMovedAndCancelledWithTheEventsOwnUidAndSequence() {
    Lesson lesson = lesson();
    String teacher = lesson.teacherId();
    // A second lesson of the teacher's, with another student, cancelled.
    String other = seed.student();
    String cancelled = seed.booking(other, teacher, hoursAhead(10), hoursAhead(11));
    assertJson(patch(cancelled, teacher, "cancelled"), 200);
    // A lesson long past is out of the feed's window.
    String past = seed.completedBooking(seed.student(), teacher, 20);
    MadeFeed feed = feed(teacher);

    assertJson(api.post("/bookings/" + lesson.bookingId() + "/reschedule", server.token(lesson.studentId()),
      times(hoursAhead(40), hoursAhead(41))), 200);
    Map<String, Seen> events = events(fetch(feed.path()));
    assertEquals(Map.of(
      uid(lesson.bookingId()), new Seen(uid(lesson.bookingId()), 2, "TENTATIVE", hoursAhead(40).toInstant(), hoursAhead(41).toInstant()),
      uid(cancelled), new Seen(uid(cancelled), 1, "CANCELLED", hoursAhead(10).toInstant(), hoursAhead(11).toInstant())), events);
    assertFalse(events.containsKey(uid(past)));
    // Each the booking's own event.
    assertEquals(Seen.of(theEvent(bookingIcs(lesson.bookingId(), teacher))), events.get(uid(lesson.bookingId())));
    assertEquals(Seen.of(theEvent(bookingIcs(cancelled, teacher))), events.get(uid(cancelled)));
  }

  @Test
  void aCancelledLessonLeavesTheFeedThirtyDaysAfterItsCancellation() {
    String teacher = seed.teacher("Physics");
    String student = seed.student();
    seed.slot(teacher, hoursAhead(5), hoursAhead(8));
    String recent = seed.booking(student, teacher, hoursAhead(5), hoursAhead(6));
    String old = seed.booking(student, teacher, hoursAhead(7), hoursAhead(8));
    assertJson(patch(recent, student, "cancelled"), 200);
    assertJson(patch(old, student, "cancelled"), 200);
    cancelledAgo(old, "31 days");
    cancelledAgo(recent, "29 days");
    assertEquals(List.of(uid(recent)), List.copyOf(events(fetch(feed(student).path())).keySet()));
  }

  @Test
  void aFeedShowsLessonsThatEndedUpToThirtyDaysAgoAndStartWithinAYear() {
    String teacher = seed.teacher("Physics");
    String student = seed.student();
    seed.slot(teacher, hoursAhead(3), hoursAhead(11));
    Map<String, Duration> startingIn = Map.of(
      seed.booking(student, teacher, hoursAhead(3), hoursAhead(4)), Duration.ofDays(-29).minusHours(1),
      seed.booking(student, teacher, hoursAhead(5), hoursAhead(6)), Duration.ofDays(-31).minusHours(1),
      seed.booking(student, teacher, hoursAhead(7), hoursAhead(8)), Duration.ofDays(364),
      seed.booking(student, teacher, hoursAhead(9), hoursAhead(10)), Duration.ofDays(366));
    startingIn.forEach(Seed::lessonStartsIn);
    Set<String> shown = startingIn.entrySet().stream()
      .filter(booking -> booking.getValue().equals(Duration.ofDays(-29).minusHours(1)) || booking.getValue().equals(Duration.ofDays(364)))
      .map(booking -> uid(booking.getKey())).collect(Collectors.toSet());
    assertEquals(shown, events(fetch(feed(student).path())).keySet(),
      "ended 29 days ago and starting in 364 days: in; ended 31 days ago and starting in 366 days: out");
  }

  @Test
  void aSeriesOccurrencesAreOrdinaryEventsOfTheFeed() {
    String teacher = seed.teacher("Physics");
    seed.schedule(teacher, schedule("UTC", everyDay("00:00", "24:00"), new JsonArray(), rules(0, 0, 15, 365)));
    String student = seed.student();
    JsonObject series = assertJson(api.post("/series", server.token(student),
      bookingBody(student, teacher, hoursAhead(3), hoursAhead(4)).put("interval_weeks", 1).put("count", 3)), 201);
    List<String> bookings = series.getJsonArray("occurrences").stream()
      .map(occurrence -> ((JsonObject) occurrence).getString("booking_id")).toList();
    assertEquals(3, bookings.size(), series::encode);
    Map<String, Seen> events = events(fetch(feed(student).path()));
    assertEquals(bookings.stream().map(CalendarsTest::uid).collect(Collectors.toSet()), events.keySet());
    for (int week = 0; week < 3; week++) {
      assertEquals(new Seen(uid(bookings.get(week)), 0, "TENTATIVE", hoursAhead(3 + 24 * 7 * week).toInstant(),
        hoursAhead(4 + 24 * 7 * week).toInstant()), events.get(uid(bookings.get(week))));
      assertEquals(Seen.of(theEvent(bookingIcs(bookings.get(week), student))), events.get(uid(bookings.get(week))));
    }
  }

  @Test
  void onlyAHashOfAFeedsSecretIsKept() {
    String student = seed.student();
    MadeFeed feed = feed(student);
    String token = feed.path().substring("/calendar-feeds/".length(), feed.path().length() - ".ics".length());
    try (Connection connection = DriverManager.getConnection(TestServer.sharedJdbcUrl());
         PreparedStatement read = connection.prepareStatement("""
           SELECT f::text AS row, token_hash = sha256(convert_to(?, 'UTF8')) AS hashed
             FROM calendar_feeds f WHERE id = ?::uuid""")) {
      read.setString(1, token);
      read.setString(2, feed.id());
      ResultSet row = read.executeQuery();
      assertTrue(row.next());
      assertTrue(row.getBoolean("hashed"), "the row keeps the token's SHA-256");
      String stored = row.getString("row");
      String tokenAsHex = HexFormat.of().formatHex(token.getBytes(StandardCharsets.UTF_8));
      assertFalse(stored.contains(token) || stored.contains(tokenAsHex), stored);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Moves the booking's last change (its cancellation) back by the interval, in the test database. */
  private static void cancelledAgo(String bookingId, String interval) {
    TestServer.changeOne("UPDATE bookings SET updated_at = now() - ?::interval WHERE id = ?::uuid AND status = 'cancelled'",
      interval, bookingId);
  }

  @Test
  void anUnchangedFeedIs304ToItsETagAndAChangedOneIsNot() {
    Lesson lesson = lesson();
    MadeFeed feed = feed(lesson.studentId());
    HttpResponse<Buffer> first = fetch(feed.path());
    String etag = first.getHeader("ETag");
    assertEquals("private, no-cache", first.getHeader("Cache-Control"));

    HttpResponse<Buffer> unchanged = api.request(HttpMethod.GET, feed.path()).putHeader("If-None-Match", etag).send().await();
    assertEquals(304, unchanged.statusCode());
    assertTrue(unchanged.body() == null || unchanged.body().length() == 0);
    assertEquals(etag, unchanged.getHeader("ETag"));

    assertJson(patch(lesson.bookingId(), lesson.teacherId(), "cancelled"), 200);
    HttpResponse<Buffer> changed = api.request(HttpMethod.GET, feed.path()).putHeader("If-None-Match", etag).send().await();
    assertEquals(200, changed.statusCode());
    assertNotEquals(etag, changed.getHeader("ETag"));
    assertEquals("CANCELLED", events(changed).get(uid(lesson.bookingId())).status());
  }

  @Test
  void aFeedIsListedWithoutItsAddressAndARevokedOneIs404AtOnce() {
    Lesson lesson = seed.lesson(3);
    MadeFeed feed = feed(lesson.studentId());
    assertEquals(200, fetch(feed.path()).statusCode());
    JsonArray listed = new JsonArray(api.get("/calendar-feeds", server.token(lesson.studentId())).bodyAsString());
    assertEquals(1, listed.size());
    assertEquals(Set.of("id", "created_at"), listed.getJsonObject(0).fieldNames());
    assertEquals(feed.id(), listed.getJsonObject(0).getString("id"));

    // Someone else cannot revoke it, nor learn that it exists.
    assertError(api.send(HttpMethod.DELETE, "/calendar-feeds/" + feed.id(), server.token(lesson.teacherId()), null), 404);
    assertEquals(200, fetch(feed.path()).statusCode());

    assertJson(api.send(HttpMethod.DELETE, "/calendar-feeds/" + feed.id(), server.token(lesson.studentId()), null), 200);
    assertError(fetch(feed.path()), 404);
    assertEquals(new JsonArray(), new JsonArray(api.get("/calendar-feeds", server.token(lesson.studentId())).bodyAsString()));
    assertError(api.send(HttpMethod.DELETE, "/calendar-feeds/" + feed.id(), server.token(lesson.studentId()), null), 404);
    assertError(api.send(HttpMethod.DELETE, "/calendar-feeds/not-a-uuid", server.token(lesson.studentId()), null), 400);
  }

  @Test
  void anotherUsersFeedRevealsNothingOfYoursAndAWrongTokenIs404() {
    Lesson mine = seed.lesson(3);
    Lesson theirs = seed.lesson(6);
    MadeFeed myFeed = feed(mine.studentId());
    MadeFeed theirFeed = feed(theirs.studentId());
    assertEquals(Set.of(uid(theirs.bookingId())), events(fetch(theirFeed.path())).keySet());
    assertEquals(Set.of(uid(mine.bookingId())), events(fetch(myFeed.path())).keySet());
    // Sending a token changes nothing: the address alone says whose feed it is.
    HttpResponse<Buffer> withToken = api.get(theirFeed.path(), server.token(mine.studentId()));
    assertEquals(Set.of(uid(theirs.bookingId())), events(withToken).keySet());

    String wrong = FeedToken.generate();
    for (String path : List.of("/calendar-feeds/" + wrong + ".ics", "/calendar-feeds/short.ics",
      myFeed.path().replace(".ics", "x.ics"))) {
      JsonObject refused = assertError(fetch(path), 404);
      assertFalse(refused.getString("message").contains("short"), refused::encode);
    }
  }

  @Test
  void aUserHasAtMostTheConfiguredFeedsAndOnlyWithAProfile() {
    String student = seed.student();
    IntStream.range(0, 3).forEach(i -> feed(student));
    assertError(api.post("/calendar-feeds", server.token(student), null), 409);
    assertEquals(3, new JsonArray(api.get("/calendar-feeds", server.token(student)).bodyAsString()).size());
    assertError(api.post("/calendar-feeds", server.token("nobody-" + UUID.randomUUID()), null), 409);
  }

  @Test
  void eachFeedHasItsOwnRateLimit() {
    String student = seed.student();
    MadeFeed busy = feed(student);
    MadeFeed quiet = feed(student);
    IntStream.range(0, FEED_BURST).forEach(i -> assertEquals(200, fetch(busy.path()).statusCode()));
    HttpResponse<Buffer> limited = fetch(busy.path());
    assertError(limited, 429);
    assertTrue(Integer.parseInt(limited.getHeader("Retry-After")) >= 1);
    assertEquals(200, fetch(quiet.path()).statusCode());
  }
}
