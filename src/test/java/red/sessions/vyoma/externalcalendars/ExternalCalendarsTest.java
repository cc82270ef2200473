package red.sessions.vyoma.externalcalendars;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import red.sessions.vyoma.support.CalendarServer;
import red.sessions.vyoma.support.ServerTest;
import red.sessions.vyoma.support.TestServer;
import red.sessions.vyoma.support.Wait;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.support.Api.assertError;
import static red.sessions.vyoma.support.Api.assertJson;
import static red.sessions.vyoma.support.Schedules.everyDay;
import static red.sessions.vyoma.support.Schedules.rules;
import static red.sessions.vyoma.support.Schedules.schedule;
import static red.sessions.vyoma.support.Seed.bookingBody;
import static red.sessions.vyoma.support.Seed.times;

/**
 * {@code PUT /teachers/{teacher_id}/external-calendars}: calendars served by a local stand-in for a calendar
 * app's server, fetched by the real fetcher, read into busy time that the listing of bookable slots leaves out
 * and bookings are refused. Every date is computed from today (DST changes are the zones' next ones). A fetch
 * is awaited by its {@code last_fetched_at}, after a PUT that makes it due at once: nothing waits for a timer.
 */
class ExternalCalendarsTest extends ServerTest {

  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  private static final ZoneId KOLKATA = ZoneId.of("Asia/Kolkata");
  private static final ZoneId UTC = ZoneId.of("UTC");
  private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss");
  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyyMMdd");
  private static final String BUSY = "the teacher is busy in an external calendar at that time";
  /** Outlook's and Exchange's definition of the US Eastern zone, under its Windows name. */
  private static final String EASTERN_STANDARD_TIME = String.join("\r\n",
    "BEGIN:VTIMEZONE", "TZID:Eastern Standard Time",
    "BEGIN:STANDARD", "DTSTART:16010101T020000", "TZOFFSETFROM:-0400", "TZOFFSETTO:-0500",
    "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=1SU;BYMONTH=11", "END:STANDARD",
    "BEGIN:DAYLIGHT", "DTSTART:16010101T020000", "TZOFFSETFROM:-0500", "TZOFFSETTO:-0400",
    "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=2SU;BYMONTH=3", "END:DAYLIGHT",
    "END:VTIMEZONE");

  private static CalendarServer calendars;

  @Override
  protected Map<String, String> settings() {
    return Map.of("VYOMA_CALENDARS_ALLOW_PRIVATE_TARGETS", "true", "VYOMA_CALENDARS_TIMEOUT_SECONDS", "2");
  }

  @BeforeAll
  void startCalendarServer() {
    calendars = new CalendarServer();
  }

  @AfterAll
  void stopCalendarServer() {
    calendars.close();
  }

  @Test
  void aWeeklySeriesInNewYorkIsBusyAtItsLocalTimeAcrossDstWithoutItsExdateAndWhereItsOverrideMovedIt() {
    String teacher = seed.teacher();
    seed.schedule(teacher, schedule(NEW_YORK.getId(), everyDay("08:00", "20:00"), new JsonArray(), rules(0, 0, 60, 730)));
    LocalDate first = twoWeeksBeforeTheNextChange(NEW_YORK);
    String path = "/google/" + UUID.randomUUID() + "/basic.ics";
    calendars.serve(path, ics(
      event("lesson-elsewhere", "DTSTART;TZID=America/New_York:" + at(first, 10),
        "DTEND;TZID=America/New_York:" + at(first, 11), "RRULE:FREQ=WEEKLY;COUNT=5",
        "EXDATE;TZID=America/New_York:" + at(first.plusDays(7), 10),
        "RDATE;TZID=America/New_York:" + at(first.plusDays(11), 18), "SUMMARY:Dentist"),
      event("lesson-elsewhere", "RECURRENCE-ID;TZID=America/New_York:" + at(first.plusDays(21), 10),
        "DTSTART;TZID=America/New_York:" + at(first.plusDays(21), 15),
        "DTEND;TZID=America/New_York:" + at(first.plusDays(21), 16), "SUMMARY:Dentist, moved"),
      event("lesson-elsewhere", "RECURRENCE-ID;TZID=America/New_York:" + at(first.plusDays(28), 10),
        "DTSTART;TZID=America/New_York:" + at(first.plusDays(28), 10),
        "DTEND;TZID=America/New_York:" + at(first.plusDays(28), 11), "STATUS:CANCELLED", "SUMMARY:Dentist, called off")));

    JsonObject calendar = putAndFetch(teacher, List.of(calendars.url(path))).getJsonObject(0);
    assertEquals("ok", calendar.getString("status"), calendar::encode);
    assertNull(calendar.getValue("error"));
    assertEquals(4, calendar.getInteger("busy_intervals"), calendar::encode);
    assertFalse(calendar.encode().contains("Dentist"), "no title is kept or shown");

    Set<LocalDateTime> listed = listed(teacher, first, first.plusDays(28), NEW_YORK);
    assertTrue(listed.contains(first.plusDays(28).atTime(10, 0)), "the instance its override cancels is not busy");
    for (int week : List.of(0, 2)) {
      assertFalse(listed.contains(first.plusDays(7L * week).atTime(10, 0)), "week " + week + " at 10:00 is busy");
      assertTrue(listed.contains(first.plusDays(7L * week).atTime(11, 0)), "week " + week + " from 11:00 is free");
      assertTrue(listed.contains(first.plusDays(7L * week).atTime(9, 0)), "week " + week + " until 10:00 is free");
    }
    assertTrue(listed.contains(first.plusDays(7).atTime(10, 0)), "the EXDATE's instance is not busy");
    assertTrue(listed.contains(first.plusDays(21).atTime(10, 0)), "the moved instance left 10:00");
    assertFalse(listed.contains(first.plusDays(21).atTime(15, 0)), "and is busy at 15:00");
    assertFalse(listed.contains(first.plusDays(11).atTime(18, 0)), "the RDATE, three days before the change, at 18:00");
    assertTrue(listed.contains(first.plusDays(11).atTime(17, 0)) && listed.contains(first.plusDays(11).atTime(19, 0)));

    String student = seed.student();
    OffsetDateTime afterChange = first.plusDays(14).atTime(10, 0).atZone(NEW_YORK).toOffsetDateTime();
    assertEquals(BUSY, assertError(api.post("/bookings", server.token(student),
      bookingBody(student, teacher, afterChange, afterChange.plusHours(1))), 409).getString("message"));
    OffsetDateTime free = first.plusDays(14).atTime(12, 0).atZone(NEW_YORK).toOffsetDateTime();
    String booking = assertJson(api.post("/bookings", server.token(student),
      bookingBody(student, teacher, free, free.plusHours(1))), 201).getString("booking_id");
    OffsetDateTime moved = first.plusDays(21).atTime(15, 30).atZone(NEW_YORK).toOffsetDateTime();
    assertEquals(BUSY, assertError(api.post("/bookings/" + booking + "/reschedule", server.token(student),
      times(moved, moved.plusHours(1))), 409).getString("message"));
  }

  @Test
  void allDayAndMultiDayEventsTakeTheTeachersWholeDaysAndTransparentOrCancelledEventsTakeNothing() {
    String teacher = seed.teacher();
    seed.schedule(teacher, schedule(KOLKATA.getId(), everyDay("09:00", "17:00"), new JsonArray(), rules(0, 0, 60, 730)));
    LocalDate day = LocalDate.now(KOLKATA).plusDays(3);
    String path = "/apple/" + UUID.randomUUID() + ".ics";
    calendars.serve(path, ics(
      event("all-day", "DTSTART;VALUE=DATE:" + day.format(DATE), "DTEND;VALUE=DATE:" + day.plusDays(1).format(DATE)),
      event("free-time", "DTSTART;TZID=Asia/Kolkata:" + at(day.plusDays(1), 10),
        "DTEND;TZID=Asia/Kolkata:" + at(day.plusDays(1), 11), "TRANSP:TRANSPARENT"),
      event("called-off", "DTSTART;TZID=Asia/Kolkata:" + at(day.plusDays(1), 12),
        "DTEND;TZID=Asia/Kolkata:" + at(day.plusDays(1), 13), "STATUS:CANCELLED"),
      event("floating", "DTSTART:" + at(day.plusDays(1), 14), "DTEND:" + at(day.plusDays(1), 15)),
      event("conference", "DTSTART;VALUE=DATE:" + day.plusDays(2).format(DATE),
        "DTEND;VALUE=DATE:" + day.plusDays(5).format(DATE))));

    JsonObject calendar = putAndFetch(teacher, List.of(calendars.url(path))).getJsonObject(0);
    assertEquals(3, calendar.getInteger("busy_intervals"), calendar::encode);

    Set<LocalDateTime> listed = listed(teacher, day, day.plusDays(5), KOLKATA);
    for (LocalDate busyDay : List.of(day, day.plusDays(2), day.plusDays(3), day.plusDays(4))) {
      assertTrue(listed.stream().noneMatch(start -> start.toLocalDate().equals(busyDay)), busyDay + " is taken whole");
    }
    assertEquals(8, listed.stream().filter(start -> start.toLocalDate().equals(day.plusDays(5))).count(),
      "the day after the three-day event is free");
    Set<LocalTime> nextDay = listed.stream().filter(start -> start.toLocalDate().equals(day.plusDays(1)))
      .map(LocalDateTime::toLocalTime).collect(Collectors.toSet());
    assertEquals(Set.of(9, 10, 11, 12, 13, 15, 16), nextDay.stream().map(LocalTime::getHour).collect(Collectors.toSet()),
      "transparent and cancelled events leave their hours free; the floating one is read in the teacher's zone");
  }

  @Test
  void outlooksWindowsZoneIsReadFromTheFilesOwnDefinitionAndGooglesCalendarZoneFromXWrTimezone() {
    String teacher = seed.teacher();
    seed.schedule(teacher, schedule("UTC", everyDay("00:00", "24:00"), new JsonArray(), rules(0, 0, 60, 730)));
    LocalDate change = nextChangeAfter(NEW_YORK, LocalDate.now(ZoneOffset.UTC).plusDays(4));
    LocalDate before = change.minusDays(2);
    LocalDate after = change.plusDays(2);
    String outlook = "/owa/calendar/" + UUID.randomUUID() + "/calendar.ics";
    calendars.serve(outlook, ics(EASTERN_STANDARD_TIME,
      event("before", "DTSTART;TZID=Eastern Standard Time:" + at(before, 10), "DTEND;TZID=Eastern Standard Time:" + at(before, 11)),
      event("after", "DTSTART;TZID=Eastern Standard Time:" + at(after, 10), "DTEND;TZID=Eastern Standard Time:" + at(after, 11))));
    String google = "/calendar/ical/" + UUID.randomUUID() + "/basic.ics";
    calendars.serve(google, ics("X-WR-TIMEZONE:Asia/Tokyo",
      event("tokyo", "DTSTART:" + at(after.plusDays(1), 10), "DTEND:" + at(after.plusDays(1), 11))));

    JsonArray put = putAndFetch(teacher, List.of(calendars.url(outlook), calendars.url(google)));
    assertEquals(List.of("ok", "ok"), put.stream().map(c -> ((JsonObject) c).getString("status")).toList(), put::encode);

    Set<LocalDateTime> listed = listed(teacher, before, after.plusDays(1), UTC);
    for (LocalDate date : List.of(before, after)) {
      LocalDateTime busy = LocalDateTime.ofInstant(date.atTime(10, 0).atZone(NEW_YORK).toInstant(), ZoneOffset.UTC);
      assertFalse(listed.contains(busy), "10:00 Eastern on " + date + " is " + busy + " UTC");
      assertTrue(listed.contains(busy.minusHours(1)) && listed.contains(busy.plusHours(1)), "only that hour, on " + date);
    }
    LocalDateTime tokyo = LocalDateTime.ofInstant(after.plusDays(1).atTime(10, 0).atZone(ZoneId.of("Asia/Tokyo")).toInstant(),
      ZoneOffset.UTC);
    assertFalse(listed.contains(tokyo), "a floating time in a Google calendar is in its X-WR-TIMEZONE");
    assertTrue(listed.contains(tokyo.plusHours(1)));
  }

  @Test
  void anEndlessSeriesIsReadOverTheBookingWindowOnlyAndAnExdateInUtcDropsItsInstance() {
    String teacher = seed.teacher();
    seed.schedule(teacher, schedule("UTC", everyDay("00:00", "24:00"), new JsonArray(), rules(0, 0, 60, 30)));
    ZoneId london = ZoneId.of("Europe/London");
    LocalDate today = LocalDate.now(london);
    LocalDate skipped = today.plusDays(3);
    String path = "/daily/" + UUID.randomUUID() + ".ics";
    calendars.serve(path, ics(event("standup", "DTSTART;TZID=Europe/London:" + at(today.minusYears(1), 10),
      "DTEND;TZID=Europe/London:" + at(today.minusYears(1), 11), "RRULE:FREQ=DAILY",
      "EXDATE:" + skipped.atTime(10, 0).atZone(london).withZoneSameInstant(ZoneOffset.UTC).toLocalDateTime().format(LOCAL) + "Z")));

    int busy = putAndFetch(teacher, List.of(calendars.url(path))).getJsonObject(0).getInteger("busy_intervals");
    assertTrue(busy >= 30 && busy <= 34, "a daily event from a year ago, over a 30-day window (and its margin): " + busy);
    Set<LocalDateTime> listed = listed(teacher, skipped, skipped.plusDays(1), UTC);
    LocalDateTime skippedAt = LocalDateTime.ofInstant(skipped.atTime(10, 0).atZone(london).toInstant(), ZoneOffset.UTC);
    LocalDateTime nextAt = LocalDateTime.ofInstant(skipped.plusDays(1).atTime(10, 0).atZone(london).toInstant(), ZoneOffset.UTC);
    assertTrue(listed.contains(skippedAt), "the EXDATE, written in UTC, frees " + skippedAt);
    assertFalse(listed.contains(nextAt), "the next day's instance is busy");
  }

  @Test
  void aRefreshReadsTheCalendarAgainFreeingAndBlockingSlotsAndAnUnchangedFileKeepsItsBusyTimes() {
    String teacher = seed.teacher();
    seed.schedule(teacher, schedule("UTC", everyDay("00:00", "24:00"), new JsonArray(), rules(0, 0, 60, 730)));
    LocalDate day = LocalDate.now(ZoneOffset.UTC).plusDays(3);
    String path = "/changing/" + UUID.randomUUID() + ".ics";
    calendars.serve(path, ics(event("meeting", "DTSTART:" + at(day, 10) + "Z", "DTEND:" + at(day, 11) + "Z")));
    putAndFetch(teacher, List.of(calendars.url(path)));
    Set<LocalDateTime> listed = listed(teacher, day, day, UTC);
    assertFalse(listed.contains(day.atTime(10, 0)));
    assertTrue(listed.contains(day.atTime(12, 0)));

    JsonObject unchanged = putAndFetch(teacher, List.of(calendars.url(path))).getJsonObject(0);
    CalendarServer.Received last = calendars.at(path).get(calendars.at(path).size() - 1);
    assertEquals(304, last.status(), "the fetch sent the ETag back and the file had not changed");
    assertEquals("ok", unchanged.getString("status"));
    assertEquals(1, unchanged.getInteger("busy_intervals"), "an unchanged file keeps its busy times");
    assertFalse(listed(teacher, day, day, UTC).contains(day.atTime(10, 0)));

    calendars.serve(path, ics(event("meeting", "DTSTART:" + at(day, 12) + "Z", "DTEND:" + at(day, 13) + "Z")));
    putAndFetch(teacher, List.of(calendars.url(path)));
    listed = listed(teacher, day, day, UTC);
    assertTrue(listed.contains(day.atTime(10, 0)), "the moved meeting freed 10:00");
    assertFalse(listed.contains(day.atTime(12, 0)), "and took 12:00");
  }

  @Test
  void aCalendarWithOnlyALastModifiedIsAskedIfModifiedSinceAndItsBusyTimesStayOnA304() {
    String teacher = seed.teacher();
    seed.schedule(teacher, schedule("UTC", everyDay("00:00", "24:00"), new JsonArray(), rules(0, 0, 60, 730)));
    LocalDate day = LocalDate.now(ZoneOffset.UTC).plusDays(3);
    String path = "/published/" + UUID.randomUUID() + ".ics";
    calendars.serveLastModified(path, ics(event("meeting", "DTSTART:" + at(day, 10) + "Z", "DTEND:" + at(day, 11) + "Z")));
    putAndFetch(teacher, List.of(calendars.url(path)));
    assertNull(calendars.at(path).get(0).ifModifiedSince());

    JsonObject unchanged = putAndFetch(teacher, List.of(calendars.url(path))).getJsonObject(0);
    CalendarServer.Received last = calendars.at(path).get(calendars.at(path).size() - 1);
    assertEquals(CalendarServer.LAST_MODIFIED, last.ifModifiedSince(), "the fetch sent the Last-Modified back");
    assertEquals(304, last.status());
    assertEquals(1, unchanged.getInteger("busy_intervals"), unchanged::encode);
    assertFalse(listed(teacher, day, day, UTC).contains(day.atTime(10, 0)));
  }

  @Test
  void aCalendarIsReadAgainRefreshMinutesAfterItsLastFetchWithoutAnyoneAskingForIt() {
    String teacher = seed.teacher();
    seed.schedule(teacher, schedule("UTC", everyDay("00:00", "24:00"), new JsonArray(), rules(0, 0, 60, 730)));
    LocalDate day = LocalDate.now(ZoneOffset.UTC).plusDays(3);
    String path = "/refreshed/" + UUID.randomUUID() + ".ics";
    calendars.serve(path, ics(event("meeting", "DTSTART:" + at(day, 10) + "Z", "DTEND:" + at(day, 11) + "Z")));
    String id = putAndFetch(teacher, List.of(calendars.url(path))).getJsonObject(0).getString("id");
    assertEquals(server.config().calendars().getLong("refresh_minutes") * 60, secondsFromLastToNextFetch(id),
      "the next fetch is calendars.refresh_minutes after the last one");

    // Those minutes pass (in the database) while the file changes: the fetcher reads it again by itself.
    calendars.serve(path, ics(event("meeting", "DTSTART:" + at(day, 12) + "Z", "DTEND:" + at(day, 13) + "Z")));
    dueNow(id);
    Set<LocalDateTime> listed = Wait.eventually(Duration.ofSeconds(ExternalCalendarFetcher.IDLE_MS / 1000 + 30),
      Duration.ofMillis(200), () -> listed(teacher, day, day, UTC),
      slots -> slots.contains(day.atTime(10, 0)) && !slots.contains(day.atTime(12, 0)),
      slots -> "the calendar was not read again: " + slots);
    assertTrue(listed.contains(day.atTime(11, 0)) && listed.contains(day.atTime(13, 0)));
  }

  @Test
  void aSeriesMeetingBusyTimeIsRefusedOrSkipsThatOccurrence() {
    String teacher = seed.teacher();
    seed.schedule(teacher, schedule("UTC", everyDay("00:00", "24:00"), new JsonArray(), rules(0, 0, 60, 730)));
    OffsetDateTime first = LocalDate.now(ZoneOffset.UTC).plusDays(3).atTime(10, 0).atOffset(ZoneOffset.UTC);
    OffsetDateTime second = first.plusWeeks(1);
    String path = "/weekly/" + UUID.randomUUID() + ".ics";
    calendars.serve(path, ics(event("trip", "DTSTART:" + second.toLocalDateTime().format(LOCAL) + "Z",
      "DTEND:" + second.plusHours(1).toLocalDateTime().format(LOCAL) + "Z")));
    putAndFetch(teacher, List.of(calendars.url(path)));

    String student = seed.student();
    JsonObject weekly = bookingBody(student, teacher, first, first.plusHours(1)).put("interval_weeks", 1).put("count", 3);
    String message = assertError(api.post("/series", server.token(student), weekly), 409).getString("message");
    assertTrue(message.startsWith("1 of the series' occurrences cannot be booked, so none is: occurrence 2 ("
      + second.toInstant() + "): " + BUSY), message);
    JsonArray occurrences = assertJson(api.post("/series", server.token(student), weekly.copy().put("mode", "partial")), 201)
      .getJsonArray("occurrences");
    assertEquals(List.of("booked", "skipped", "booked"),
      occurrences.stream().map(o -> ((JsonObject) o).getString("status")).toList(), occurrences::encode);
    assertEquals(BUSY, occurrences.getJsonObject(1).getString("reason"));
  }

  /** How long after its last fetch the calendar's next one is due, in the test database. */
  private static long secondsFromLastToNextFetch(String calendarId) {
    try (Connection connection = DriverManager.getConnection(TestServer.sharedJdbcUrl());
         PreparedStatement read = connection.prepareStatement("""
           SELECT extract(epoch FROM next_fetch_at - last_fetched_at)::bigint AS seconds
             FROM external_calendars WHERE id = ?::uuid""")) {
      read.setString(1, calendarId);
      ResultSet row = read.executeQuery();
      assertTrue(row.next());
      return row.getLong("seconds");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Makes the calendar due now in the test database, as if its refresh_minutes had passed. */
  private static void dueNow(String calendarId) {
    TestServer.changeOne("UPDATE external_calendars SET next_fetch_at = now() WHERE id = ?::uuid", calendarId);
  }

  @Test
  void aFailingCalendarSaysWhyAndKeepsItsLastGoodBusyTimes() {
    String teacher = seed.teacher();
    seed.schedule(teacher, schedule("UTC", everyDay("00:00", "24:00"), new JsonArray(), rules(0, 0, 60, 730)));
    LocalDate day = LocalDate.now(ZoneOffset.UTC).plusDays(3);
    String id = UUID.randomUUID().toString();
    String flaky = "/flaky/" + id;
    calendars.serve(flaky, ics(event("meeting", "DTSTART:" + at(day, 10) + "Z", "DTEND:" + at(day, 11) + "Z")));
    putAndFetch(teacher, List.of(calendars.url(flaky)));

    calendars.answer(flaky, response -> response.setStatusCode(500).end("down"));
    calendars.answer("/garbage/" + id, response -> response.end("<html>this is not a calendar</html>"));
    calendars.answer("/huge/" + id, response -> response.setChunked(true).end(CalendarServer.huge(6 * 1024 * 1024)));
    calendars.answer("/moved/" + id, response -> response.setStatusCode(302)
      .putHeader("Location", calendars.url("/private/" + id)).end());
    JsonArray put = putAndFetch(teacher, List.of(calendars.url(flaky), calendars.url("/missing/" + id),
      calendars.url("/garbage/" + id), calendars.url("/huge/" + id), calendars.url("/moved/" + id)));

    List<String> errors = put.stream().map(c -> ((JsonObject) c).getString("error")).toList();
    assertEquals("HTTP 500", errors.get(0), put::encode);
    assertEquals("HTTP 404", errors.get(1), put::encode);
    assertTrue(errors.get(2).startsWith("not iCalendar"), put::encode);
    assertEquals("too large: more than 5 MiB", errors.get(3), put::encode);
    assertEquals("HTTP 302: redirects are not followed; put the address it points to instead", errors.get(4), put::encode);
    assertTrue(calendars.at("/private/" + id).isEmpty(), "the redirect's target was never asked");
    put.forEach(c -> assertEquals("error", ((JsonObject) c).getString("status"), put::encode));
    JsonObject failing = put.getJsonObject(0);
    assertEquals(1, failing.getInteger("busy_intervals"), "the last good read's busy times stay");
    assertTrue(Instant.parse(failing.getString("last_fetched_at")).isAfter(Instant.parse(failing.getString("last_success_at"))));
    assertFalse(listed(teacher, day, day, UTC).contains(day.atTime(10, 0)), "and still block");
    assertNull(put.getJsonObject(1).getValue("last_success_at"));
  }

  @Test
  void aSlowServerTimesOutAndADeclaredHugeBodyIsNotRead() {
    String teacher = seed.teacher();
    String id = UUID.randomUUID().toString();
    calendars.answer("/slow/" + id, response -> { });
    Buffer huge = CalendarServer.huge(6 * 1024 * 1024);
    calendars.answer("/declared/" + id, response -> response.putHeader("Content-Length", String.valueOf(huge.length())).end(huge));
    JsonArray put = putAndFetch(teacher, List.of(calendars.url("/slow/" + id), calendars.url("/declared/" + id)));
    assertEquals("unreachable: no answer within 2 s", put.getJsonObject(0).getString("error"), put::encode);
    assertEquals("too large: more than 5 MiB", put.getJsonObject(1).getString("error"), put::encode);
  }

  @Test
  void busyTimeKeepsTheBufferClearAndABookingMadeBeforeItIsKeptAndCountedAsAConflict() {
    String teacher = seed.teacher();
    seed.schedule(teacher, schedule("UTC", everyDay("00:00", "24:00"), new JsonArray(), rules(0, 15, 60, 730)));
    LocalDate day = LocalDate.now(ZoneOffset.UTC).plusDays(3);
    String student = seed.student();
    OffsetDateTime ten = day.atTime(10, 0).atOffset(ZoneOffset.UTC);
    String booking = assertJson(api.post("/bookings", server.token(student), bookingBody(student, teacher, ten,
      ten.plusHours(1))), 201).getString("booking_id");
    String path = "/later/" + UUID.randomUUID() + ".ics";
    calendars.serve(path, ics(
      event("overlapping", "DTSTART:" + day.format(DATE) + "T103000Z", "DTEND:" + day.format(DATE) + "T113000Z"),
      event("afternoon", "DTSTART:" + at(day, 14) + "Z", "DTEND:" + at(day, 15) + "Z")));

    JsonObject calendar = putAndFetch(teacher, List.of(calendars.url(path))).getJsonObject(0);
    assertEquals(1, calendar.getInteger("conflicts"), calendar::encode);
    assertEquals("pending", assertJson(api.get("/bookings/" + booking, server.token(student)), 200).getString("status"),
      "the booking made before the busy time is kept");

    Set<LocalDateTime> listed = listed(teacher, day, day, UTC);
    assertFalse(listed.contains(day.atTime(15, 0)), "15:00 is within the 15-minute buffer after busy time");
    assertFalse(listed.contains(day.atTime(13, 0)), "and 13:00 within the buffer before it");
    assertTrue(listed.contains(day.atTime(16, 0)));
    String other = seed.student();
    OffsetDateTime three = day.atTime(15, 0).atOffset(ZoneOffset.UTC);
    assertEquals(BUSY, assertError(api.post("/bookings", server.token(other),
      bookingBody(other, teacher, three, three.plusHours(1))), 409).getString("message"));
  }

  @Test
  void onlyTheTeacherOrAnAdminSetsAtMostFiveDistinctHttpCalendarsForATeacherProfile() {
    String teacher = seed.teacher();
    String path = "/teachers/" + teacher + "/external-calendars";
    List<String> six = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      six.add(calendars.url("/six/" + i));
    }
    assertTrue(assertError(put(teacher, teacher, six), 400).getString("message").contains("calendars"));
    assertEquals("calendars[1].url is listed twice", assertError(put(teacher, teacher,
      List.of(six.get(0), six.get(0))), 400).getString("message"));
    assertEquals("calendars[0].url must be an absolute https URL with a host (no user info or fragment)",
      assertError(put(teacher, teacher, List.of("ftp://calendars.example.com/a.ics")), 400).getString("message"));
    assertError(api.send(HttpMethod.PUT, path, server.token(teacher), new JsonObject()), 400);
    assertError(put(seed.teacher(), teacher, List.of(six.get(0))), 403);
    String student = seed.student();
    assertError(put(student, student, List.of(six.get(0))), 403);
    assertError(api.get(path, server.token(seed.teacher())), 403);
    assertError(api.get("/teachers/nobody-" + UUID.randomUUID() + "/external-calendars", server.adminToken("admin")), 404);
    assertEquals(new JsonArray(), assertJson(api.get(path, server.token(teacher)), 200).getJsonArray("calendars"),
      "nothing refused was stored");

    JsonObject named = new JsonObject().put("calendars", new JsonArray().add(new JsonObject().put("url", six.get(0))
      .put("name", "Personal")));
    JsonObject stored = assertJson(api.send(HttpMethod.PUT, path, server.adminToken("admin"), named), 200);
    assertEquals("Personal", stored.getJsonArray("calendars").getJsonObject(0).getString("name"));
    assertEquals(new JsonArray(), assertJson(api.send(HttpMethod.PUT, path, server.token(teacher),
      new JsonObject().put("calendars", new JsonArray())), 200).getJsonArray("calendars"), "an empty list removes them");
  }

  private static io.vertx.ext.web.client.HttpResponse<Buffer> put(String caller, String teacher, List<String> urls) {
    JsonArray list = new JsonArray();
    urls.forEach(url -> list.add(new JsonObject().put("url", url)));
    return api.send(HttpMethod.PUT, "/teachers/" + teacher + "/external-calendars", server.token(caller),
      new JsonObject().put("calendars", list));
  }

  /** Puts the list as the teacher and answers it once every calendar was fetched after the PUT. */
  private static JsonArray putAndFetch(String teacher, List<String> urls) {
    String path = "/teachers/" + teacher + "/external-calendars";
    JsonArray before = assertJson(api.get(path, server.token(teacher)), 200).getJsonArray("calendars");
    Map<String, String> fetchedBefore = before.stream().map(c -> (JsonObject) c)
      .filter(c -> c.getString("last_fetched_at") != null)
      .collect(Collectors.toMap(c -> c.getString("url"), c -> c.getString("last_fetched_at")));
    assertJson(put(teacher, teacher, urls), 200);
    return Wait.eventually(Duration.ofSeconds(30), Duration.ofMillis(50),
      () -> assertJson(api.get(path, server.token(teacher)), 200).getJsonArray("calendars"),
      list -> list.stream().map(c -> (JsonObject) c).allMatch(c -> c.getString("last_fetched_at") != null
        && !c.getString("last_fetched_at").equals(fetchedBefore.get(c.getString("url")))),
      list -> "not every calendar was fetched: " + list.encode());
  }

  /** The starts of the teacher's one-hour slots on the dates, as local times of the zone. */
  private static Set<LocalDateTime> listed(String teacher, LocalDate from, LocalDate to, ZoneId zone) {
    JsonObject listing = seed.bookableSlots(teacher, "from=" + from + "&to=" + to + "&duration=60&time_zone=" + zone.getId());
    return listing.getJsonArray("slots").stream()
      .map(slot -> OffsetDateTime.parse(((JsonObject) slot).getString("start")).atZoneSameInstant(zone).toLocalDateTime())
      .collect(Collectors.toSet());
  }

  /** A date two weeks before one of the zone's coming changes, far enough ahead to be bookable. */
  private static LocalDate twoWeeksBeforeTheNextChange(ZoneId zone) {
    return nextChangeAfter(zone, LocalDate.now(zone).plusDays(16)).minusDays(14);
  }

  /** The local date of the zone's first change after the date. */
  private static LocalDate nextChangeAfter(ZoneId zone, LocalDate date) {
    ZoneOffsetTransition change = zone.getRules().nextTransition(date.atStartOfDay(zone).toInstant());
    return change.getInstant().atZone(zone).toLocalDate();
  }

  private static String at(LocalDate date, int hour) {
    return date.atTime(hour, 0).format(LOCAL);
  }

  private static String event(String uid, String... properties) {
    List<String> lines = new ArrayList<>(List.of("BEGIN:VEVENT", "UID:" + uid + "@calendar.example.com",
      "DTSTAMP:20260101T000000Z"));
    lines.addAll(Arrays.asList(properties));
    lines.add("END:VEVENT");
    return String.join("\r\n", lines);
  }

  private static String ics(String... parts) {
    return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Vyoma tests//Calendar//EN\r\n" + String.join("\r\n", parts)
      + "\r\nEND:VCALENDAR\r\n";
  }
}
