package red.sessions.vyoma.bookings;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import red.sessions.vyoma.support.LessonEvents;
import red.sessions.vyoma.support.Race;
import red.sessions.vyoma.support.Race.Entrant;
import red.sessions.vyoma.support.RowLock;
import red.sessions.vyoma.support.Seed;
import red.sessions.vyoma.support.ServerTest;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.time.zone.ZoneOffsetTransition;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.support.Api.assertError;
import static red.sessions.vyoma.support.Api.assertJson;
import static red.sessions.vyoma.support.Schedules.everyDay;
import static red.sessions.vyoma.support.Schedules.nextTransitions;
import static red.sessions.vyoma.support.Schedules.rules;
import static red.sessions.vyoma.support.Schedules.schedule;
import static red.sessions.vyoma.support.Seed.bookingBody;

class SeriesTest extends ServerTest {

  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  private static final ZoneId KOLKATA = ZoneId.of("Asia/Kolkata");
  private static final ZoneId LORD_HOWE = ZoneId.of("Australia/Lord_Howe");

  /** A teacher available around the clock in the zone, booking up to two years ahead, no notice, no buffer. */
  private static String teacherIn(ZoneId zone, JsonObject rules) {
    String teacher = seed.teacher("Maths");
    seed.schedule(teacher, schedule(zone.getId(), everyDay("00:00", "24:00"), new JsonArray(), rules));
    return teacher;
  }

  private static String teacherIn(ZoneId zone) {
    return teacherIn(zone, rules(0, 0, 15, 730));
  }

  /** An hour-long weekly series from {@code first}, written in the offset {@code writtenIn} has there. */
  private static JsonObject weekly(String student, String teacher, ZonedDateTime first, ZoneId writtenIn, int count) {
    OffsetDateTime start = first.withZoneSameInstant(writtenIn).toOffsetDateTime();
    return bookingBody(student, teacher, start, start.plusHours(1)).put("time_zone", first.getZone().getId())
      .put("interval_weeks", 1).put("count", count);
  }

  private static HttpResponse<Buffer> post(String userId, JsonObject body) {
    return api.post("/series", server.token(userId), body);
  }

  /** The given weekday at the local time in the zone, at least {@code weeksBefore} weeks before the date, yet after tomorrow. */
  private static ZonedDateTime weeksBefore(LocalDate date, int weeks, DayOfWeek day, LocalTime time, ZoneId zone) {
    LocalDate first = date.minusWeeks(weeks).with(TemporalAdjusters.previousOrSame(day));
    LocalDate soonest = LocalDate.now(zone).plusDays(2).with(TemporalAdjusters.nextOrSame(day));
    return ZonedDateTime.of(first.isBefore(soonest) ? soonest : first, time, zone);
  }

  /** The zone's next offset change that is at least a few days away, so a series can start before it. */
  private static ZoneOffsetTransition nextChange(ZoneId zone, boolean gap) {
    return nextTransitions(zone, 4).stream()
      .filter(change -> change.isGap() == gap)
      .filter(change -> change.getInstant().isAfter(Instant.now().plus(Duration.ofDays(10))))
      .findFirst().orElseThrow();
  }

  private static List<JsonObject> occurrences(JsonObject series) {
    return series.getJsonArray("occurrences").stream().map(JsonObject.class::cast).toList();
  }

  private static ZonedDateTime startIn(JsonObject occurrence, ZoneId zone) {
    return OffsetDateTime.parse(occurrence.getString("start_time")).atZoneSameInstant(zone);
  }

  private static JsonArray seriesOf(String student) {
    return new JsonArray(api.get("/series?student_id=" + student, server.token(student)).bodyAsString());
  }

  private static JsonArray bookingsOf(String userId, String party) {
    return new JsonArray(api.get("/bookings?" + party + "=" + userId + "&limit=100", server.token(userId)).bodyAsString());
  }

  @Test
  void twelveWeeksInNewYorkStayAtFivePmThereAcrossDstForAStudentInKolkata() {
    String teacher = teacherIn(NEW_YORK);
    String student = seed.student();
    ZonedDateTime first = weeksBefore(nextChange(NEW_YORK, true).getDateTimeBefore().toLocalDate(), 5,
      DayOfWeek.TUESDAY, LocalTime.of(17, 0), NEW_YORK);

    JsonObject series = assertJson(post(student, weekly(student, teacher, first, KOLKATA, 12)
      .put("mode", "all_or_nothing")), 201);

    assertEquals("pending", series.getString("status"));
    assertEquals("America/New_York", series.getString("time_zone"));
    List<JsonObject> occurrences = occurrences(series);
    assertEquals(12, occurrences.size());
    for (int k = 0; k < 12; k++) {
      JsonObject occurrence = occurrences.get(k);
      assertEquals(first.toLocalDate().plusWeeks(k).atTime(17, 0), startIn(occurrence, NEW_YORK).toLocalDateTime(),
        occurrence::encode);
      assertEquals("booked", occurrence.getString("status"));
      assertEquals("pending", occurrence.getString("booking_status"));
      JsonObject booking = assertJson(api.get("/bookings/" + occurrence.getString("booking_id"), server.token(student)), 200);
      assertEquals(series.getString("series_id"), booking.getString("series_id"));
      assertEquals(OffsetDateTime.parse(occurrence.getString("start_time")).toInstant(),
        OffsetDateTime.parse(booking.getString("start_time")).toInstant());
    }
    // Across the change the offset moved, the wall-clock time did not.
    assertNotEquals(startIn(occurrences.get(0), NEW_YORK).getOffset(), startIn(occurrences.get(11), NEW_YORK).getOffset());
    assertEquals(series, assertJson(api.get("/series/" + series.getString("series_id"), server.token(teacher)), 200));
    assertEquals(new JsonArray().add(series), seriesOf(student));

    List<String> types = LessonEvents.eventsOf(server, server.token(student), "", 1 + 12).stream()
      .map(event -> event.getString("type")).toList();
    assertEquals(1, types.stream().filter("series.created"::equals).count(), types::toString);
    assertEquals(12, types.stream().filter("booking.created"::equals).count(), types::toString);
  }

  @Test
  void aConflictOnOneOccurrenceRefusesAllOrNothingNamingItAndPartialSkipsOnlyIt() {
    String teacher = teacherIn(NEW_YORK);
    String student = seed.student();
    ZonedDateTime first = weeksBefore(LocalDate.now(NEW_YORK).plusWeeks(1), 0, DayOfWeek.TUESDAY, LocalTime.of(17, 0), NEW_YORK);
    ZonedDateTime eleventh = first.plusWeeks(10);
    String other = seed.student();
    seed.booking(other, teacher, eleventh.toOffsetDateTime(), eleventh.plusHours(1).toOffsetDateTime());

    String message = assertError(post(student, weekly(student, teacher, first, KOLKATA, 12)), 409).getString("message");
    assertTrue(message.startsWith("1 of the series' occurrences cannot be booked, so none is: occurrence 11 ("
      + eleventh.toInstant() + "): the teacher already has a booking at that time"), message);
    assertEquals(new JsonArray(), seriesOf(student));
    assertEquals(new JsonArray(), bookingsOf(student, "student_id"));

    JsonObject series = assertJson(post(student, weekly(student, teacher, first, KOLKATA, 12).put("mode", "partial")), 201);
    List<JsonObject> occurrences = occurrences(series);
    assertEquals(12, occurrences.size());
    for (JsonObject occurrence : occurrences) {
      boolean eleven = occurrence.getInteger("occurrence") == 11;
      assertEquals(eleven ? "skipped" : "booked", occurrence.getString("status"), occurrence::encode);
      assertEquals(eleven ? "the teacher already has a booking at that time" : null, occurrence.getString("reason"));
    }
    assertEquals(11, bookingsOf(student, "student_id").size());
  }

  @Test
  void theStudentsOwnBookingIsJudgedBeforeTheInsertSoPartialSkipsIt() {
    String teacher = teacherIn(NEW_YORK);
    String elsewhere = teacherIn(NEW_YORK);
    String student = seed.student();
    ZonedDateTime first = weeksBefore(LocalDate.now(NEW_YORK).plusWeeks(1), 0, DayOfWeek.MONDAY, LocalTime.of(9, 0), NEW_YORK);
    seed.booking(student, elsewhere, first.plusWeeks(1).toOffsetDateTime(), first.plusWeeks(1).plusHours(1).toOffsetDateTime());

    JsonObject series = assertJson(post(student, weekly(student, teacher, first, NEW_YORK, 3).put("mode", "partial")), 201);

    assertEquals(List.of("booked", "skipped", "booked"), occurrences(series).stream().map(o -> o.getString("status")).toList());
    assertEquals("the student already has a booking at that time", occurrences(series).get(1).getString("reason"));
  }

  @Test
  void seriesRacingForOneWeekLeaveEachWeekOneWinner() {
    String teacher = teacherIn(NEW_YORK);
    ZonedDateTime first = weeksBefore(LocalDate.now(NEW_YORK).plusWeeks(1), 0, DayOfWeek.WEDNESDAY, LocalTime.of(15, 0), NEW_YORK);
    List<String> students = IntStream.range(0, Race.MIN_RACERS).mapToObj(i -> seed.student()).toList();

    // Even racers ask for weeks 1 and 2, odd ones for weeks 2 and 3: all of them collide on week 2.
    List<HttpResponse<Buffer>> responses = Race.heldBy(RowLock.on("profiles", "user_id", teacher), server, students.size(),
      i -> Entrant.of(HttpMethod.POST, "/series", server.token(students.get(i)),
        weekly(students.get(i), teacher, first.plusWeeks(i % 2), NEW_YORK, 2).put("mode", "partial")));

    long booked = responses.stream().filter(response -> response.statusCode() == 201)
      .flatMap(response -> occurrences(response.bodyAsJsonObject()).stream())
      .filter(occurrence -> "booked".equals(occurrence.getString("status"))).count();
    responses.stream().filter(response -> response.statusCode() != 201).forEach(response ->
      assertTrue(assertError(response, 409).getString("message").startsWith("none of the series' occurrences can be booked"),
        response::bodyAsString));
    JsonArray teacherBookings = bookingsOf(teacher, "teacher_id");
    assertEquals(3, teacherBookings.size(), teacherBookings::encode);
    assertEquals(3, booked);
    for (int week = 0; week < 3; week++) {
      OffsetDateTime start = first.plusWeeks(week).toOffsetDateTime();
      assertEquals(1, teacherBookings.stream().map(JsonObject.class::cast)
        .filter(booking -> OffsetDateTime.parse(booking.getString("start_time")).isEqual(start)).count(), "week " + week);
    }
  }

  @Test
  void aLordHoweSeriesKeepsItsLocalTimeAcrossAHalfHourChange() {
    String teacher = teacherIn(LORD_HOWE);
    String student = seed.student();
    ZoneOffsetTransition change = nextChange(LORD_HOWE, false).getInstant().isBefore(nextChange(LORD_HOWE, true).getInstant())
      ? nextChange(LORD_HOWE, false) : nextChange(LORD_HOWE, true);
    ZonedDateTime first = weeksBefore(change.getDateTimeBefore().toLocalDate(), 2, DayOfWeek.THURSDAY, LocalTime.of(17, 0), LORD_HOWE);

    // No time_zone: the teacher's schedule's.
    JsonObject body = weekly(student, teacher, first, ZoneOffset.UTC, 5);
    body.remove("time_zone");
    JsonObject series = assertJson(post(student, body), 201);

    assertEquals(LORD_HOWE.getId(), series.getString("time_zone"));
    List<ZonedDateTime> starts = occurrences(series).stream().map(occurrence -> startIn(occurrence, LORD_HOWE)).toList();
    assertEquals(IntStream.range(0, 5).mapToObj(k -> first.toLocalDate().plusWeeks(k).atTime(17, 0)).toList(),
      starts.stream().map(ZonedDateTime::toLocalDateTime).toList());
    assertEquals(Duration.ofMinutes(30), Duration.ofSeconds(Math.abs(
      starts.get(0).getOffset().getTotalSeconds() - starts.get(4).getOffset().getTotalSeconds())));
  }

  @Test
  void aTimeTheClocksSkipIsSkippedAndATimeTheyRepeatTakesTheFirst() {
    String teacher = teacherIn(NEW_YORK);
    String student = seed.student();
    ZoneOffsetTransition gap = nextChange(NEW_YORK, true);
    LocalDate gapDay = gap.getDateTimeBefore().toLocalDate();
    ZonedDateTime first = ZonedDateTime.of(gapDay.minusWeeks(1), LocalTime.of(2, 30), NEW_YORK);

    JsonObject series = assertJson(post(student, weekly(student, teacher, first, NEW_YORK, 3)), 201);

    List<JsonObject> occurrences = occurrences(series);
    assertEquals(List.of("booked", "skipped", "booked"), occurrences.stream().map(o -> o.getString("status")).toList());
    assertNull(occurrences.get(1).getString("booking_id"));
    assertEquals("the local time 02:30 does not exist on " + gapDay + " in America/New_York: the clocks skip it",
      occurrences.get(1).getString("reason"));
    assertEquals(2, bookingsOf(student, "student_id").size());

    ZoneOffsetTransition overlap = nextChange(NEW_YORK, false);
    LocalDate overlapDay = overlap.getDateTimeBefore().toLocalDate();
    JsonObject repeated = assertJson(post(student, weekly(student, teacher,
      ZonedDateTime.of(overlapDay.minusWeeks(1), LocalTime.of(1, 30), NEW_YORK), NEW_YORK, 2)), 201);
    OffsetDateTime second = OffsetDateTime.parse(occurrences(repeated).get(1).getString("start_time"));
    assertEquals(LocalDateTime.of(overlapDay, LocalTime.of(1, 30)).atOffset(overlap.getOffsetBefore()).toInstant(),
      second.toInstant());
  }

  @Test
  void aPackageRunningOutMidSeriesRefusesAllOrNothingAndSkipsTheRestInPartial() {
    String teacher = teacherIn(NEW_YORK, rules(0, 0, 15, 730).put("requires_package", true));
    String student = seed.student();
    String packageId = assertJson(api.post("/packages", server.adminToken("billing-" + UUID.randomUUID()),
      new JsonObject().put("student_id", student).put("teacher_id", teacher).put("lessons", 3)), 201).getString("package_id");
    ZonedDateTime first = weeksBefore(LocalDate.now(NEW_YORK).plusWeeks(1), 0, DayOfWeek.FRIDAY, LocalTime.of(10, 0), NEW_YORK);

    String message = assertError(post(student, weekly(student, teacher, first, NEW_YORK, 5)), 409).getString("message");
    assertTrue(message.contains("occurrence 4 (") && message.contains("occurrence 5 (")
      && message.contains("no lessons left in a package with this teacher") && !message.contains("occurrence 3 ("), message);
    assertEquals(3, assertJson(api.get("/packages/" + packageId, server.token(student)), 200).getInteger("remaining"));

    JsonObject series = assertJson(post(student, weekly(student, teacher, first, NEW_YORK, 5).put("mode", "partial")), 201);
    List<JsonObject> occurrences = occurrences(series);
    assertEquals(List.of("booked", "booked", "booked", "skipped", "skipped"),
      occurrences.stream().map(o -> o.getString("status")).toList());
    assertEquals("no lessons left in a package with this teacher", occurrences.get(4).getString("reason"));
    JsonObject lessons = assertJson(api.get("/packages/" + packageId, server.token(student)), 200);
    assertEquals(0, lessons.getInteger("remaining"));
    assertEquals(3, lessons.getJsonArray("ledger").stream().map(JsonObject.class::cast)
      .filter(entry -> "booked".equals(entry.getString("reason"))).count());
    for (JsonObject occurrence : occurrences.subList(0, 3)) {
      assertEquals(packageId, assertJson(api.get("/bookings/" + occurrence.getString("booking_id"), server.token(student)), 200)
        .getString("package_id"));
    }

    // Cancelled under the policy (free until the lesson), each lesson goes back to the package.
    assertJson(api.post("/series/" + series.getString("series_id") + "/cancel", server.token(student),
      new JsonObject().put("scope", "all")), 200);
    assertEquals(3, assertJson(api.get("/packages/" + packageId, server.token(student)), 200).getInteger("remaining"));
  }

  @Test
  void theTeacherConfirmsOnceAndCancellingFollowingFromTheFifthKeepsTheFirstFour() {
    String teacher = teacherIn(NEW_YORK);
    String student = seed.student();
    ZonedDateTime first = weeksBefore(LocalDate.now(NEW_YORK).plusWeeks(1), 0, DayOfWeek.THURSDAY, LocalTime.of(16, 0), NEW_YORK);
    String id = assertJson(post(student, weekly(student, teacher, first, NEW_YORK, 8)), 201).getString("series_id");

    assertError(api.post("/series/" + id + "/confirm", server.token(student), new JsonObject()), 403);
    JsonObject confirmed = assertJson(api.post("/series/" + id + "/confirm", server.token(teacher), new JsonObject()), 200);
    assertEquals("active", confirmed.getString("status"));
    assertTrue(occurrences(confirmed).stream().allMatch(o -> "confirmed".equals(o.getString("booking_status"))));
    assertError(api.post("/series/" + id + "/confirm", server.token(teacher), new JsonObject()), 409);

    String fifth = occurrences(confirmed).get(4).getString("booking_id");
    JsonObject ended = assertJson(api.post("/series/" + id + "/cancel", server.token(student),
      new JsonObject().put("scope", "following").put("from_booking_id", fifth).put("reason", "Moving away")), 200);

    assertEquals("ended", ended.getString("status"));
    assertEquals(List.of("confirmed", "confirmed", "confirmed", "confirmed", "cancelled", "cancelled", "cancelled", "cancelled"),
      occurrences(ended).stream().map(o -> o.getString("booking_status")).toList());
    assertEquals("Moving away", assertJson(api.get("/bookings/" + fifth, server.token(teacher)), 200).getString("cancel_reason"));
    assertError(api.post("/series/" + id + "/cancel", server.token(teacher), new JsonObject().put("scope", "all")), 409);

    List<String> types = LessonEvents.eventsOf(server, server.token(teacher), "", 1 + 8 + 1 + 8 + 4 + 1).stream()
      .map(event -> event.getString("type")).toList();
    assertEquals(Map.of("series.created", 1L, "series.confirmed", 1L, "series.cancelled", 1L, "booking.cancelled", 4L),
      Map.of("series.created", count(types, "series.created"), "series.confirmed", count(types, "series.confirmed"),
        "series.cancelled", count(types, "series.cancelled"), "booking.cancelled", count(types, "booking.cancelled")));
  }

  @Test
  void cancellingAllCancelsEveryLessonNotStartedAndLeavesTheOneUnderWay() {
    Weekly made = weeklyInNewYork(DayOfWeek.SUNDAY, LocalTime.of(12, 0), 4);
    assertJson(api.post("/series/" + made.id() + "/confirm", server.token(made.teacher()), new JsonObject()), 200);
    Seed.lessonStartedAgo(made.ids().get(0), Duration.ofMinutes(10));

    JsonObject cancelled = assertJson(api.post("/series/" + made.id() + "/cancel", server.token(made.teacher()),
      new JsonObject().put("scope", "all").put("reason", "Teacher leaving")), 200);

    assertEquals("cancelled", cancelled.getString("status"));
    assertEquals(List.of("confirmed", "cancelled", "cancelled", "cancelled"),
      occurrences(cancelled).stream().map(o -> o.getString("booking_status")).toList());
    for (String booking : made.ids().subList(1, 4)) {
      JsonObject found = assertJson(api.get("/bookings/" + booking, server.token(made.student())), 200);
      assertEquals("cancelled", found.getString("status"));
      assertEquals(made.teacher(), found.getString("cancelled_by"));
      assertEquals("Teacher leaving", found.getString("cancel_reason"));
    }
    assertEquals("confirmed", assertJson(api.get("/bookings/" + made.ids().get(0), server.token(made.student())), 200)
      .getString("status"));
    List<String> types = LessonEvents.eventsOf(server, server.token(made.student()), "", 1 + 4 + 1 + 4 + 3 + 1).stream()
      .map(event -> event.getString("type")).toList();
    assertEquals(3, count(types, "booking.cancelled"), types::toString);
    assertEquals(1, count(types, "series.cancelled"), types::toString);
  }

  @Test
  void aSeriesIsSeenAndChangedOnlyByItsPartiesAndAdmins() {
    String teacher = teacherIn(NEW_YORK);
    String student = seed.student();
    String stranger = seed.student();
    String otherTeacher = teacherIn(NEW_YORK);
    ZonedDateTime first = weeksBefore(LocalDate.now(NEW_YORK).plusWeeks(1), 0, DayOfWeek.SUNDAY, LocalTime.of(15, 0), NEW_YORK);
    JsonObject body = weekly(student, teacher, first, NEW_YORK, 2);

    for (String other : List.of(stranger, teacher)) {
      assertEquals("a series is booked only by the student it names", assertError(post(other, body), 403).getString("message"));
    }
    assertEquals(new JsonArray(), bookingsOf(teacher, "teacher_id"));
    JsonObject made = assertJson(api.post("/series", server.adminToken("admin-" + UUID.randomUUID()), body), 201);
    String id = made.getString("series_id");
    String from = bookingIds(occurrences(made)).get(1);

    for (String other : List.of(stranger, otherTeacher)) {
      String token = server.token(other);
      assertError(api.get("/series/" + id, token), 403);
      assertError(api.get("/series?student_id=" + student, token), 403);
      assertError(api.get("/series?teacher_id=" + teacher, token), 403);
      assertError(api.post("/series/" + id + "/confirm", token, new JsonObject()), 403);
      assertError(api.post("/series/" + id + "/cancel", token, new JsonObject().put("scope", "all")), 403);
      assertError(reschedule(other, id, from, first.plusWeeks(1).plusDays(1)), 403);
    }
    // A teacher lists their own series, not the student's others.
    assertError(api.get("/series?student_id=" + student, server.token(teacher)), 403);
    assertEquals(new JsonArray().add(made), new JsonArray(api.get("/series?student_id=" + student + "&teacher_id=" + teacher,
      server.token(teacher)).bodyAsString()));
    assertEquals(new JsonArray().add(made), new JsonArray(api.get("/series?teacher_id=" + teacher,
      server.adminToken("admin-" + UUID.randomUUID())).bodyAsString()));
    assertError(api.get("/series", server.token(student)), 400);
    assertEquals(made, assertJson(api.get("/series/" + id, server.token(student)), 200));
  }

  @Test
  void untilIsADateInTheSeriesZoneAndItsDayIsIncluded() {
    String teacher = teacherIn(NEW_YORK);
    String student = seed.student();
    // 21:30 in New York is the next day in UTC: until is read in New York.
    ZonedDateTime first = weeksBefore(LocalDate.now(NEW_YORK).plusWeeks(1), 0, DayOfWeek.MONDAY, LocalTime.of(21, 30), NEW_YORK);
    LocalDate third = first.toLocalDate().plusWeeks(2);

    JsonObject series = assertJson(post(student, weekly(student, teacher, first, ZoneOffset.UTC, 3).putNull("count")
      .put("until", third.toString())), 201);

    assertEquals(third.toString(), series.getString("until"));
    assertNull(series.getInteger("count"));
    assertEquals(List.of(first.toLocalDate(), first.toLocalDate().plusWeeks(1), third),
      occurrences(series).stream().map(o -> startIn(o, NEW_YORK).toLocalDate()).toList());
    assertTrue(occurrences(series).stream().allMatch(o -> "booked".equals(o.getString("status"))), series::encode);
  }

  @Test
  void aTeacherWithoutAScheduleHasTheSeriesBookedHorizonWeeksAheadInUtc() {
    // No schedule: no booking window, no zone; bookable in one-off slots, one a week for twelve weeks.
    String teacher = seed.teacher("Maths");
    String student = seed.student();
    OffsetDateTime first = Instant.now().plus(Duration.ofDays(2)).truncatedTo(ChronoUnit.HOURS).atOffset(ZoneOffset.UTC);
    IntStream.range(0, 12).forEach(k -> seed.slot(teacher, first.plusWeeks(k), first.plusWeeks(k).plusHours(1)));

    JsonObject series = assertJson(post(student, bookingBody(student, teacher, first.withOffsetSameInstant(ZoneOffset.ofHours(3)),
      first.plusHours(1))), 201);

    assertEquals("UTC", series.getString("time_zone"));
    // series.horizon_weeks is 8: every lesson starting within eight weeks from now, and none after.
    Instant horizon = Instant.now().plus(Duration.ofDays(7 * 8));
    List<Instant> starts = occurrences(series).stream()
      .map(o -> OffsetDateTime.parse(o.getString("start_time")).toInstant()).toList();
    assertEquals(IntStream.range(0, starts.size()).mapToObj(k -> first.plusWeeks(k).toInstant()).toList(), starts);
    assertTrue(starts.get(starts.size() - 1).isBefore(horizon), starts::toString);
    assertTrue(first.plusWeeks(starts.size()).toInstant().isAfter(horizon.minus(Duration.ofMinutes(5))), starts::toString);
    assertEquals(starts.size(), bookingsOf(student, "student_id").size());
  }

  private static HttpResponse<Buffer> reschedule(String userId, String seriesId, String fromBookingId, ZonedDateTime start) {
    return api.post("/series/" + seriesId + "/reschedule", server.token(userId), new JsonObject()
      .put("from_booking_id", fromBookingId).put("start_time", start.toOffsetDateTime().toString())
      .put("end_time", start.plusHours(1).toOffsetDateTime().toString()));
  }

  private static List<String> bookingIds(List<JsonObject> occurrences) {
    return occurrences.stream().map(o -> o.getString("booking_id")).toList();
  }

  /**
   * A series made by a new student with a new teacher in New York: its parties, first lesson, id, bookings' ids and
   * the answer that made it.
   */
  private record Weekly(String teacher, String student, ZonedDateTime first, String id, List<String> ids, JsonObject answer) {
  }

  /** {@code count} hour-long weekly lessons in New York from the day next week (or soon after) at the local time. */
  private static Weekly weeklyInNewYork(DayOfWeek day, LocalTime time, int count) {
    String teacher = teacherIn(NEW_YORK);
    String student = seed.student();
    ZonedDateTime first = weeksBefore(LocalDate.now(NEW_YORK).plusWeeks(1), 0, day, time, NEW_YORK);
    JsonObject made = assertJson(post(student, weekly(student, teacher, first, NEW_YORK, count)), 201);
    return new Weekly(teacher, student, first, made.getString("series_id"), bookingIds(occurrences(made)), made);
  }

  @Test
  void reschedulingFollowingFromTheThirdMovesThemToThursdaysKeepingTheirBookings() {
    String teacher = teacherIn(NEW_YORK);
    String student = seed.student();
    ZonedDateTime first = weeksBefore(LocalDate.now(NEW_YORK).plusWeeks(1), 0, DayOfWeek.TUESDAY, LocalTime.of(17, 0), NEW_YORK);
    JsonObject made = assertJson(post(student, weekly(student, teacher, first, KOLKATA, 6)), 201);
    String id = made.getString("series_id");
    List<String> ids = bookingIds(occurrences(made));
    ZonedDateTime thursday = first.plusWeeks(2).plusDays(2);

    JsonObject continued = assertJson(reschedule(student, id, ids.get(2), thursday), 201);

    assertEquals(id, continued.getString("continues"));
    assertEquals(4, continued.getInteger("count"));
    assertEquals("pending", continued.getString("status"));
    assertEquals(ids.subList(2, 6), bookingIds(occurrences(continued)));
    for (int k = 0; k < 4; k++) {
      JsonObject occurrence = occurrences(continued).get(k);
      assertEquals(k + 1, occurrence.getInteger("occurrence"));
      assertEquals(thursday.toLocalDate().plusWeeks(k).atTime(17, 0), startIn(occurrence, NEW_YORK).toLocalDateTime());
      JsonObject booking = assertJson(api.get("/bookings/" + occurrence.getString("booking_id"), server.token(teacher)), 200);
      assertEquals(continued.getString("series_id"), booking.getString("series_id"));
      assertEquals(OffsetDateTime.parse(occurrence.getString("start_time")).toInstant(),
        OffsetDateTime.parse(booking.getString("start_time")).toInstant());
      JsonArray previous = booking.getJsonArray("previous_times");
      assertEquals(1, previous.size());
      assertEquals(first.plusWeeks(k + 2).toInstant(),
        OffsetDateTime.parse(previous.getJsonObject(0).getString("start_time")).toInstant());
      assertEquals(student, previous.getJsonObject(0).getString("changed_by"));
    }
    JsonObject ended = assertJson(api.get("/series/" + id, server.token(teacher)), 200);
    assertEquals("ended", ended.getString("status"));
    assertEquals(continued.getString("series_id"), ended.getString("continued_as"));
    assertEquals(ids.subList(0, 2), bookingIds(occurrences(ended)));
    assertEquals(continued, assertJson(api.get("/series/" + continued.getString("series_id"), server.token(student)), 200));
    assertEquals(6, bookingsOf(student, "student_id").size());
    assertError(reschedule(student, id, ids.get(1), thursday.minusWeeks(1)), 409);
    assertError(reschedule(student, id, ids.get(3), thursday.plusWeeks(1)), 400);

    List<String> types = LessonEvents.eventsOf(server, server.token(teacher), "", 1 + 6 + 4 + 2).stream()
      .map(event -> event.getString("type")).toList();
    assertEquals(4, count(types, "booking.rescheduled"), types::toString);
    assertEquals(2, count(types, "series.rescheduled"), types::toString);
  }

  @Test
  void aMovedSeriesKeepsItsUntilDateOrItsOpenEnd() {
    String teacher = teacherIn(NEW_YORK, rules(0, 0, 15, 30));
    String student = seed.student();
    ZonedDateTime first = weeksBefore(LocalDate.now(NEW_YORK).plusWeeks(1), 0, DayOfWeek.TUESDAY, LocalTime.of(7, 0), NEW_YORK);
    LocalDate until = first.toLocalDate().plusWeeks(3);
    JsonObject dated = assertJson(post(student, weekly(student, teacher, first, NEW_YORK, 4).putNull("count")
      .put("until", until.toString())), 201);
    List<String> ids = bookingIds(occurrences(dated));
    assertEquals(4, ids.size());

    JsonObject continued = assertJson(reschedule(student, dated.getString("series_id"), ids.get(1),
      first.plusWeeks(1).minusDays(1)), 201);

    assertEquals(until.toString(), continued.getString("until"));
    assertNull(continued.getInteger("count"));
    assertEquals(ids.subList(1, 4), bookingIds(occurrences(continued)));

    JsonObject open = assertJson(post(student, weekly(student, teacher, first.plusHours(2), NEW_YORK, 1).putNull("count")), 201);
    List<String> openIds = bookingIds(occurrences(open));
    JsonObject openContinued = assertJson(reschedule(student, open.getString("series_id"), openIds.get(1),
      first.plusHours(2).plusWeeks(1).minusDays(1)), 201);
    assertNull(openContinued.getValue("count"));
    assertNull(openContinued.getValue("until"));
    assertEquals(openIds.subList(1, openIds.size()), bookingIds(occurrences(openContinued)));
  }

  @Test
  void anHourLaterOntoEachNextOldTimeMovesEveryLessonThroughTheConstraints() {
    Weekly made = weeklyInNewYork(DayOfWeek.MONDAY, LocalTime.of(10, 0), 4);

    // The second lesson moves to the third's week, half an hour later: each new time meets the next lesson's old one.
    JsonObject continued = assertJson(reschedule(made.teacher(), made.id(), made.ids().get(1),
      made.first().plusWeeks(2).plusMinutes(30)), 201);

    assertEquals(made.ids().subList(1, 4), bookingIds(occurrences(continued)));
    for (int k = 0; k < 3; k++) {
      assertEquals(made.first().plusWeeks(k + 2).plusMinutes(30).toInstant(),
        OffsetDateTime.parse(occurrences(continued).get(k).getString("start_time")).toInstant());
    }
    assertEquals(4, bookingsOf(made.student(), "student_id").size());
  }

  @Test
  void anOccurrenceThatCannotMoveRefusesAllOrNothingAndStaysPutInPartial() {
    Weekly made = weeklyInNewYork(DayOfWeek.WEDNESDAY, LocalTime.of(9, 0), 4);
    ZonedDateTime friday = made.first().plusDays(2);
    ZonedDateTime blocked = friday.plusWeeks(2);
    seed.booking(seed.student(), made.teacher(), blocked.toOffsetDateTime(), blocked.plusHours(1).toOffsetDateTime());

    String message = assertError(reschedule(made.student(), made.id(), made.ids().get(0), friday), 409).getString("message");
    assertEquals("1 of the series' occurrences cannot move, so none does: occurrence 3 (" + blocked.toInstant()
      + "): the teacher already has a booking at that time", message);
    JsonObject unchanged = assertJson(api.get("/series/" + made.id(), server.token(made.student())), 200);
    assertEquals(made.answer(), unchanged);
    for (String booking : made.ids()) {
      assertEquals(new JsonArray(), assertJson(api.get("/bookings/" + booking, server.token(made.student())), 200)
        .getJsonArray("previous_times"));
    }

    JsonObject continued = assertJson(api.post("/series/" + made.id() + "/reschedule", server.token(made.student()),
      new JsonObject().put("from_booking_id", made.ids().get(0)).put("start_time", friday.toOffsetDateTime().toString())
        .put("end_time", friday.plusHours(1).toOffsetDateTime().toString()).put("mode", "partial")), 201);
    assertEquals(List.of("booked", "booked", "skipped", "booked"),
      occurrences(continued).stream().map(o -> o.getString("status")).toList());
    assertEquals("its lesson keeps its time in the series this one continues: the teacher already has a booking at that time",
      occurrences(continued).get(2).getString("reason"));
    JsonObject ended = assertJson(api.get("/series/" + made.id(), server.token(made.student())), 200);
    assertEquals(List.of(made.ids().get(2)), bookingIds(occurrences(ended)));
    assertEquals(made.first().plusWeeks(2).toInstant(), OffsetDateTime.parse(assertJson(api.get("/bookings/" + made.ids().get(2),
      server.token(made.student())), 200).getString("start_time")).toInstant());
    assertEquals(4, bookingsOf(made.student(), "student_id").size());
  }

  private static long count(List<String> types, String type) {
    return types.stream().filter(type::equals).count();
  }

  @Test
  void badInputIs400NamingTheFieldAndWritesNothing() {
    String teacher = teacherIn(NEW_YORK);
    String student = seed.student();
    ZonedDateTime first = weeksBefore(LocalDate.now(NEW_YORK).plusWeeks(1), 0, DayOfWeek.TUESDAY, LocalTime.of(17, 0), NEW_YORK);
    String later = first.toLocalDate().plusWeeks(3).toString();
    Map<String, JsonObject> bad = Map.of(
      "count and until", weekly(student, teacher, first, NEW_YORK, 3).put("until", later),
      "count must", weekly(student, teacher, first, NEW_YORK, 53),
      "count must be", weekly(student, teacher, first, NEW_YORK, 0),
      "interval_weeks must", weekly(student, teacher, first, NEW_YORK, 3).put("interval_weeks", 0),
      "interval_weeks", weekly(student, teacher, first, NEW_YORK, 3).put("interval_weeks", 5),
      "time_zone", weekly(student, teacher, first, NEW_YORK, 3).put("time_zone", "Mars/Olympus"),
      "until must be at most two years", weekly(student, teacher, first, NEW_YORK, 3).putNull("count")
        .put("until", LocalDate.now().plusYears(2).plusDays(2).toString()),
      "until must not be before", weekly(student, teacher, first, NEW_YORK, 3).putNull("count")
        .put("until", first.toLocalDate().minusDays(1).toString()),
      "mode", weekly(student, teacher, first, NEW_YORK, 3).put("mode", "some"),
      "until must be a date", weekly(student, teacher, first, NEW_YORK, 3).putNull("count").put("until", "soon"));
    bad.forEach((field, body) -> {
      String message = assertError(post(student, body), 400).getString("message");
      assertTrue(message.startsWith(field), () -> field + ": " + message);
    });

    assertEquals(new JsonArray(), seriesOf(student));
    assertEquals(new JsonArray(), bookingsOf(student, "student_id"));
  }

  @Test
  void anIdempotentRetryAnswersTheSameSeries() {
    String teacher = teacherIn(NEW_YORK);
    String student = seed.student();
    ZonedDateTime first = weeksBefore(LocalDate.now(NEW_YORK).plusWeeks(1), 0, DayOfWeek.SATURDAY, LocalTime.of(11, 0), NEW_YORK);
    JsonObject body = weekly(student, teacher, first, NEW_YORK, 2);
    String key = "series-" + UUID.randomUUID();

    HttpResponse<Buffer> made = api.request(HttpMethod.POST, "/series").bearerTokenAuthentication(server.token(student))
      .putHeader("Idempotency-Key", key).sendJsonObject(body).await();
    HttpResponse<Buffer> again = api.request(HttpMethod.POST, "/series").bearerTokenAuthentication(server.token(student))
      .putHeader("Idempotency-Key", key).sendJsonObject(body).await();

    assertEquals(assertJson(made, 201), assertJson(again, 201));
    assertEquals("true", again.getHeader("Idempotent-Replayed"));
    assertEquals(2, bookingsOf(student, "student_id").size());
    assertEquals(422, api.request(HttpMethod.POST, "/series").bearerTokenAuthentication(server.token(student))
      .putHeader("Idempotency-Key", key).sendJsonObject(body.put("count", 3)).await().statusCode());
  }

  @Test
  void aMoveRetriedWithItsKeyAnswersTheSeriesItMadeAndMovesNothingTwice() {
    Weekly made = weeklyInNewYork(DayOfWeek.MONDAY, LocalTime.of(8, 0), 4);
    ZonedDateTime wednesday = made.first().plusWeeks(1).plusDays(2);
    JsonObject move = new JsonObject().put("from_booking_id", made.ids().get(1))
      .put("start_time", wednesday.toOffsetDateTime().toString())
      .put("end_time", wednesday.plusHours(1).toOffsetDateTime().toString());
    String key = "move-" + UUID.randomUUID();
    String path = "/series/" + made.id() + "/reschedule";

    HttpResponse<Buffer> moved = api.request(HttpMethod.POST, path).bearerTokenAuthentication(server.token(made.student()))
      .putHeader("Idempotency-Key", key).sendJsonObject(move).await();
    HttpResponse<Buffer> again = api.request(HttpMethod.POST, path).bearerTokenAuthentication(server.token(made.student()))
      .putHeader("Idempotency-Key", key).sendJsonObject(move).await();

    JsonObject continued = assertJson(moved, 201);
    assertNull(moved.getHeader("Idempotent-Replayed"));
    assertEquals(continued, assertJson(again, 201));
    assertEquals("true", again.getHeader("Idempotent-Replayed"));
    assertEquals(1, assertJson(api.get("/bookings/" + made.ids().get(1), server.token(made.student())), 200)
      .getJsonArray("previous_times").size(), "the retry moved nothing again");
    assertEquals(422, api.request(HttpMethod.POST, path).bearerTokenAuthentication(server.token(made.student()))
      .putHeader("Idempotency-Key", key).sendJsonObject(move.copy().put("time_zone", "Asia/Kolkata")).await().statusCode());
    for (String bad : List.of("", "k".repeat(256))) {
      assertEquals(400, api.request(HttpMethod.POST, path).bearerTokenAuthentication(server.token(made.student()))
        .putHeader("Idempotency-Key", bad).sendJsonObject(move).await().statusCode(), "key of " + bad.length());
    }
    // Without the key, the retry is refused: the lesson it names has moved to the new series.
    assertError(reschedule(made.student(), made.id(), made.ids().get(1), wednesday), 400);
  }

  @Test
  void aMoveSentManyTimesAtOnceWithOneKeyIsMadeOnce() {
    Weekly made = weeklyInNewYork(DayOfWeek.MONDAY, LocalTime.of(13, 0), 3);
    ZonedDateTime friday = made.first().plusDays(4);
    JsonObject move = new JsonObject().put("from_booking_id", made.ids().get(0))
      .put("start_time", friday.toOffsetDateTime().toString())
      .put("end_time", friday.plusHours(1).toOffsetDateTime().toString());
    String key = "move-" + UUID.randomUUID();

    List<HttpResponse<Buffer>> answers = Race.start(server, Race.MIN_RACERS, racer ->
      Entrant.of(HttpMethod.POST, "/series/" + made.id() + "/reschedule", server.token(made.student()), move)
        .withHeader("Idempotency-Key", key)).finish();

    List<String> series = answers.stream().map(answer -> assertJson(answer, 201).getString("series_id")).distinct().toList();
    assertEquals(1, series.size(), series::toString);
    assertEquals(1, answers.stream().filter(answer -> answer.getHeader("Idempotent-Replayed") == null).count());
    assertEquals(made.id(), assertJson(api.get("/series/" + series.get(0), server.token(made.student())), 200)
      .getString("continues"));
  }
}
