package red.sessions.vyoma.availability;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import red.sessions.vyoma.support.Race;
import red.sessions.vyoma.support.Race.Entrant;
import red.sessions.vyoma.support.RowLock;
import red.sessions.vyoma.support.ServerTest;
import red.sessions.vyoma.support.TestServer;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.support.Api.assertError;
import static red.sessions.vyoma.support.Api.assertJson;
import static red.sessions.vyoma.support.Schedules.everyDay;
import static red.sessions.vyoma.support.Schedules.nextTransitions;
import static red.sessions.vyoma.support.Schedules.onDate;
import static red.sessions.vyoma.support.Schedules.rules;
import static red.sessions.vyoma.support.Schedules.schedule;
import static red.sessions.vyoma.support.Schedules.startInstants;
import static red.sessions.vyoma.support.Schedules.starts;
import static red.sessions.vyoma.support.Seed.bookingBody;

/**
 * {@code GET /teachers/{teacher_id}/slots} over real time-zone data, and {@code POST /bookings} judged by the
 * same rule: every listed slot books, and what the listing leaves out is refused with the rule it breaks.
 * DST dates are the zones' next changes from today, never written down.
 */
class BookableSlotsTest extends ServerTest {

  private static final ZoneId UTC = ZoneId.of("UTC");
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  private static final ZoneId KOLKATA = ZoneId.of("Asia/Kolkata");
  private static final ZoneId LONDON = ZoneId.of("Europe/London");
  private static final ZoneId LORD_HOWE = ZoneId.of("Australia/Lord_Howe");

  static HttpResponse<Buffer> book(String studentId, String teacherId, Instant start, Instant end) {
    return api.post("/bookings", server.token(studentId),
      bookingBody(studentId, teacherId, start.atOffset(ZoneOffset.UTC), end.atOffset(ZoneOffset.UTC)));
  }

  /** The teacher's slots on the local dates {@code from}..{@code to} of {@code zone}. */
  static JsonObject listed(String teacher, LocalDate from, LocalDate to, ZoneId zone, int duration) {
    return seed.bookableSlots(teacher, "from=" + from + "&to=" + to + "&duration=" + duration + "&time_zone=" + zone.getId());
  }

  @Test
  void newYorkHoursListedInKolkataKeepTheirLocalTimeAcrossBothDstChanges() {
    String teacher = seed.teacher();
    seed.schedule(teacher, schedule(NEW_YORK.getId(), everyDay("13:00", "15:00"), new JsonArray(), rules(0, 0, 60, 730)));
    for (ZoneOffsetTransition change : nextTransitions(NEW_YORK, 2)) {
      LocalDate from = change.getInstant().atZone(KOLKATA).toLocalDate().minusDays(3);
      LocalDate to = from.plusDays(6);
      JsonObject inKolkata = listed(teacher, from, to, KOLKATA, 60);

      Instant rangeStart = from.atStartOfDay(KOLKATA).toInstant();
      Instant rangeEnd = to.plusDays(1).atStartOfDay(KOLKATA).toInstant();
      List<Instant> expected = new ArrayList<>();
      for (LocalDate day = from.minusDays(1); !day.isAfter(to.plusDays(1)); day = day.plusDays(1)) {
        for (int hour : List.of(13, 14)) {
          Instant start = day.atTime(hour, 0).atZone(NEW_YORK).toInstant();
          if (!start.isBefore(rangeStart) && start.isBefore(rangeEnd)) {
            expected.add(start);
          }
        }
      }
      assertEquals(expected, startInstants(inKolkata), inKolkata::encode);
      assertTrue(starts(inKolkata).stream().allMatch(start -> start.endsWith("+05:30")), inKolkata::encode);
      Set<String> kolkataTimes = starts(inKolkata).stream().map(start -> start.substring(11, 16)).collect(Collectors.toSet());
      // 13:00 and 14:00 in New York are 23:30 and 00:30 in Kolkata in winter, 22:30 and 23:30 in summer.
      assertEquals(Set.of("22:30", "23:30", "00:30"), kolkataTimes);

      JsonObject inNewYork = listed(teacher, from, to, NEW_YORK, 60);
      assertTrue(starts(inNewYork).stream().allMatch(start -> start.substring(11, 19).matches("1[34]:00:00")), inNewYork::encode);
      Set<String> offsets = starts(inNewYork).stream().map(start -> start.substring(19)).collect(Collectors.toSet());
      assertEquals(Set.of("-05:00", "-04:00"), offsets, inNewYork::encode);
    }
  }

  @Test
  void londonSkipsTheMissingLocalTimesAndListsTheRepeatedOnesOncePerInstant() {
    String teacher = seed.teacher();
    List<ZoneOffsetTransition> changes = nextTransitions(LONDON, 2);
    JsonArray overrides = new JsonArray();
    // On the spring date the second interval starts at 01:30, a time that does not exist: it starts at the
    // change (02:00 BST), right where 00:30-01:00 GMT ends, and the two make one stretch.
    changes.forEach(change -> {
      LocalDate day = change.getDateTimeBefore().toLocalDate();
      if (change.isGap()) {
        overrides.add(onDate(day, "00:30", "01:00")).add(onDate(day, "01:30", "03:00"));
      } else {
        overrides.add(onDate(day, "00:30", "03:00"));
      }
    });
    seed.schedule(teacher, schedule(LONDON.getId(), new JsonArray(), overrides, rules(0, 0, 30, 730)));
    for (ZoneOffsetTransition change : changes) {
      LocalDate day = change.getDateTimeBefore().toLocalDate();
      List<String> expected = change.isGap()
        ? List.of("00:30:00+00:00", "02:00:00+01:00", "02:30:00+01:00")
        : List.of("00:30:00+01:00", "01:00:00+01:00", "01:30:00+01:00", "01:00:00+00:00", "01:30:00+00:00",
          "02:00:00+00:00", "02:30:00+00:00");
      assertEquals(expected.stream().map(time -> day + "T" + time).toList(), starts(listed(teacher, day, day, LONDON, 30)));
    }
  }

  @Test
  void lordHoweHalfHourDstChangeIsFollowedToTheMinute() {
    String teacher = seed.teacher();
    List<ZoneOffsetTransition> changes = nextTransitions(LORD_HOWE, 2);
    JsonArray overrides = new JsonArray();
    changes.forEach(change -> overrides.add(change.isGap()
      ? onDate(change.getDateTimeBefore().toLocalDate(), "01:00", "04:00")
      : onDate(change.getDateTimeBefore().toLocalDate(), "01:00", "03:00")));
    seed.schedule(teacher, schedule(LORD_HOWE.getId(), new JsonArray(), overrides, rules(0, 0, 30, 730)));
    for (ZoneOffsetTransition change : changes) {
      LocalDate day = change.getDateTimeBefore().toLocalDate();
      assertEquals(Duration.ofMinutes(30), change.getDuration().abs());
      List<String> expected = change.isGap()
        ? List.of("01:00:00+10:30", "01:30:00+10:30", "02:30:00+11:00", "03:00:00+11:00")
        : List.of("01:00:00+11:00", "01:30:00+11:00", "01:30:00+10:30", "02:00:00+10:30", "02:30:00+10:30");
      int duration = change.isGap() ? 60 : 30;
      JsonObject listing = listed(teacher, day, day, LORD_HOWE, duration);
      assertEquals(expected.stream().map(time -> day + "T" + time).toList(), starts(listing));
      Instant free = Instant.MIN;
      for (Instant start : startInstants(listing)) {
        if (!start.isBefore(free)) {
          free = start.plus(Duration.ofMinutes(duration));
          assertJson(book(seed.student(), teacher, start, free), 201);
        }
      }
    }
  }

  @Test
  void overridesReplaceADaysHoursOrCloseIt() {
    String teacher = seed.teacher();
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    LocalDate closed = LocalDate.now(berlin).plusDays(3);
    LocalDate shortened = closed.plusDays(1);
    seed.schedule(teacher, schedule(berlin.getId(), everyDay("09:00", "12:00"),
      new JsonArray().add(new JsonObject().put("date", closed.toString()).put("unavailable", true))
        .add(onDate(shortened, "10:00", "11:00")).add(onDate(shortened, "15:00", "16:30")),
      rules(0, 0, 60, 365)));

    assertEquals(List.of(), starts(listed(teacher, closed, closed, berlin, 60)));
    assertEquals(List.of("10:00", "15:00"), starts(listed(teacher, shortened, shortened, berlin, 60)).stream()
      .map(start -> start.substring(11, 16)).toList());
    assertEquals(List.of("09:00", "10:00", "11:00"), starts(listed(teacher, shortened.plusDays(1), shortened.plusDays(1),
      berlin, 60)).stream().map(start -> start.substring(11, 16)).toList());

    Instant closedMorning = closed.atTime(9, 0).atZone(berlin).toInstant();
    assertEquals("the time is not inside the teacher's availability", assertError(book(seed.student(), teacher,
      closedMorning, closedMorning.plus(Duration.ofHours(1))), 409).getString("message"));
  }

  @Test
  void oneOffSlotsJoinTheWeeklyHoursIntoOneStretch() {
    String teacher = seed.teacher();
    LocalDate day = LocalDate.now(ZoneOffset.UTC).plusDays(2);
    seed.schedule(teacher, schedule("UTC", everyDay("09:00", "10:00"), new JsonArray(), rules(0, 0, 30, 365)));
    seed.slot(teacher, day.atTime(10, 0).atOffset(ZoneOffset.UTC), day.atTime(11, 0).atOffset(ZoneOffset.UTC));

    assertEquals(List.of("09:00", "09:30", "10:00"), starts(listed(teacher, day, day, UTC, 60)).stream()
      .map(start -> start.substring(11, 16)).toList());
    Instant across = day.atTime(9, 40).toInstant(ZoneOffset.UTC);
    assertJson(book(seed.student(), teacher, across, across.plus(Duration.ofMinutes(80))), 201);
  }

  @Test
  void noticeAndBookingWindowBoundTheListingAndTheBooking() {
    String teacher = seed.teacher();
    seed.schedule(teacher, schedule("UTC", everyDay("00:00", "24:00"), new JsonArray(), rules(120, 0, 15, 10)));
    Instant now = Instant.now();
    LocalDate today = LocalDate.now(ZoneOffset.UTC);

    List<Instant> soon = startInstants(listed(teacher, today, today.plusDays(1), UTC, 60));
    assertFalse(soon.get(0).isBefore(now.plus(Duration.ofMinutes(120))), soon.get(0)::toString);
    assertTrue(soon.get(0).isBefore(now.plus(Duration.ofMinutes(136))), soon.get(0)::toString);
    Instant tooSoon = now.plus(Duration.ofMinutes(60)).truncatedTo(ChronoUnit.MINUTES);
    assertEquals("the lesson would start in less than the teacher's minimum notice of 120 minutes",
      assertError(book(seed.student(), teacher, tooSoon, tooSoon.plus(Duration.ofHours(1))), 409).getString("message"));

    List<Instant> far = startInstants(listed(teacher, today.plusDays(9), today.plusDays(12), UTC, 60));
    Instant last = far.get(far.size() - 1);
    assertFalse(last.isAfter(Instant.now().plus(Duration.ofDays(10))), last::toString);
    assertTrue(last.isAfter(now.plus(Duration.ofDays(10)).minus(Duration.ofMinutes(16))), last::toString);
    Instant tooFar = today.plusDays(11).atTime(LocalTime.NOON).toInstant(ZoneOffset.UTC);
    assertEquals("the lesson would start more than 10 days ahead, beyond the teacher's booking window",
      assertError(book(seed.student(), teacher, tooFar, tooFar.plus(Duration.ofHours(1))), 409).getString("message"));
    assertJson(book(seed.student(), teacher, last, last.plus(Duration.ofHours(1))), 201);
  }

  @Test
  void aTeacherWithoutAScheduleIsBookedInOneOffSlotsHoweverFarAheadUntilTheySetOne() {
    String teacher = seed.teacher();
    OffsetDateTime start = OffsetDateTime.now(ZoneOffset.UTC).plusYears(2).truncatedTo(ChronoUnit.HOURS);
    seed.slot(teacher, start, start.plusHours(3));
    assertJson(book(seed.student(), teacher, start.toInstant(), start.plusHours(1).toInstant()), 201);

    seed.schedule(teacher, schedule("UTC", new JsonArray(), new JsonArray(), new JsonObject()));
    assertEquals("the lesson would start more than 365 days ahead, beyond the teacher's booking window",
      assertError(book(seed.student(), teacher, start.plusHours(2).toInstant(), start.plusHours(3).toInstant()), 409)
        .getString("message"));
  }

  @Test
  void theBufferIsKeptByTheListingAndByTheBooking() {
    String teacher = seed.teacher();
    LocalDate day = LocalDate.now(ZoneOffset.UTC).plusDays(2);
    seed.schedule(teacher, schedule("UTC", everyDay("08:00", "14:00"), new JsonArray(), rules(0, 10, 30, 365)));
    Instant ten = day.atTime(10, 0).toInstant(ZoneOffset.UTC);
    assertJson(book(seed.student(), teacher, ten, ten.plus(Duration.ofHours(1))), 201);

    assertEquals(List.of("08:00", "08:30", "11:30", "12:00", "12:30", "13:00"),
      starts(listed(teacher, day, day, UTC, 60)).stream().map(start -> start.substring(11, 16)).toList());
    String tooClose = "the time is within the teacher's buffer of 10 minutes around another booking";
    Instant elevenFive = ten.plus(Duration.ofMinutes(65));
    assertEquals(tooClose, assertError(book(seed.student(), teacher, elevenFive, elevenFive.plus(Duration.ofHours(1))), 409)
      .getString("message"));
    Instant eightFiftyFive = ten.minus(Duration.ofMinutes(65));
    assertEquals(tooClose, assertError(book(seed.student(), teacher, eightFiftyFive, eightFiftyFive.plus(Duration.ofHours(1))),
      409).getString("message"));
    Instant elevenTen = ten.plus(Duration.ofMinutes(70));
    assertJson(book(seed.student(), teacher, elevenTen, elevenTen.plus(Duration.ofHours(1))), 201);
    Instant eightFifty = ten.minus(Duration.ofMinutes(70));
    assertJson(book(seed.student(), teacher, eightFifty, eightFifty.plus(Duration.ofHours(1))), 201);
  }

  @Test
  void theDatabaseKeepsTheBufferWhateverReachesIt() throws SQLException {
    String teacher = seed.teacher();
    String student = seed.student();
    LocalDate day = LocalDate.now(ZoneOffset.UTC).plusDays(2);
    seed.schedule(teacher, schedule("UTC", everyDay("08:00", "14:00"), new JsonArray(), rules(0, 10, 30, 365)));
    Instant ten = day.atTime(10, 0).toInstant(ZoneOffset.UTC);
    assertJson(book(seed.student(), teacher, ten, ten.plus(Duration.ofHours(1))), 201);

    try (Connection connection = DriverManager.getConnection(TestServer.sharedJdbcUrl());
         PreparedStatement insert = connection.prepareStatement("""
           INSERT INTO bookings (student_id, teacher_id, start_time, end_time, blocked_until, free_cancellation_until)
           VALUES (?, ?, ?, ?, ?, ?)""")) {
      insert.setString(1, student);
      insert.setString(2, teacher);
      insert.setObject(3, OffsetDateTime.ofInstant(ten.plus(Duration.ofMinutes(65)), ZoneOffset.UTC));
      insert.setObject(6, OffsetDateTime.ofInstant(ten.plus(Duration.ofMinutes(65)), ZoneOffset.UTC));
      insert.setObject(4, OffsetDateTime.ofInstant(ten.plus(Duration.ofMinutes(125)), ZoneOffset.UTC));
      insert.setObject(5, OffsetDateTime.ofInstant(ten.plus(Duration.ofMinutes(135)), ZoneOffset.UTC));
      SQLException refused = assertThrows(SQLException.class, insert::executeUpdate);
      assertTrue(refused.getMessage().contains("bookings_teacher_no_overlap"), refused::getMessage);
    }
  }

  @Test
  void bookingsRacingForTimesWithinOneAnothersBufferKeepItBetweenTheWinners() {
    String teacher = seed.teacher();
    LocalDate day = LocalDate.now(ZoneOffset.UTC).plusDays(2);
    seed.schedule(teacher, schedule("UTC", everyDay("08:00", "16:00"), new JsonArray(), rules(0, 30, 15, 365)));
    Instant ten = day.atTime(10, 0).toInstant(ZoneOffset.UTC);
    List<String> students = IntStream.range(0, Race.MIN_RACERS).mapToObj(i -> seed.student()).toList();
    // Racer i asks for 15 minutes from 10:00 + 10 i: neighbours never overlap but stand 5 minutes apart, so
    // only lessons 45 minutes apart or more can both keep the 30-minute buffer.
    IntFunction<Instant> start = i -> ten.plus(Duration.ofMinutes(10L * i));
    List<HttpResponse<Buffer>> responses = Race.heldBy(RowLock.on("profiles", "user_id", teacher), server, students.size(),
      i -> Entrant.of(HttpMethod.POST, "/bookings", server.token(students.get(i)), bookingBody(students.get(i), teacher,
        start.apply(i).atOffset(ZoneOffset.UTC), start.apply(i).plus(Duration.ofMinutes(15)).atOffset(ZoneOffset.UTC))));

    List<Integer> winners = IntStream.range(0, responses.size()).filter(i -> responses.get(i).statusCode() == 201)
      .boxed().toList();
    assertFalse(winners.isEmpty());
    for (int i = 0; i < responses.size(); i++) {
      int racer = i;
      if (winners.contains(racer)) {
        assertTrue(winners.stream().allMatch(other -> other == racer || Math.abs(other - racer) * 10 >= 45), winners::toString);
      } else {
        assertError(responses.get(racer), 409);
        assertTrue(winners.stream().anyMatch(other -> Math.abs(other - racer) * 10 < 45), winners::toString);
      }
    }
  }

  @Test
  void everyListedSlotOfAWeekBooksEachWithItsOwnStudent() {
    String teacher = seed.teacher();
    ZoneId sydney = ZoneId.of("Australia/Sydney");
    LocalDate from = LocalDate.now(sydney).plusDays(1);
    JsonArray weekly = new JsonArray();
    for (String day : List.of("monday", "tuesday", "wednesday", "thursday", "friday")) {
      weekly.add(new JsonObject().put("day", day).put("start", "08:00").put("end", "12:00"));
      weekly.add(new JsonObject().put("day", day).put("start", "16:30").put("end", "19:00"));
    }
    weekly.add(new JsonObject().put("day", "saturday").put("start", "22:00").put("end", "24:00"));
    weekly.add(new JsonObject().put("day", "sunday").put("start", "00:00").put("end", "01:00"));
    seed.schedule(teacher, schedule(sydney.getId(), weekly, new JsonArray(), rules(0, 15, 60, 365)));

    JsonObject week = listed(teacher, from, from.plusDays(6), KOLKATA, 45);
    JsonArray slots = week.getJsonArray("slots");
    assertEquals(5 * (4 + 2) + 3, slots.size(), week::encode);
    for (Object slot : slots) {
      JsonObject times = (JsonObject) slot;
      String student = seed.student();
      assertJson(api.post("/bookings", server.token(student), new JsonObject().put("student_id", student)
        .put("teacher_id", teacher).put("start_time", times.getString("start")).put("end_time", times.getString("end"))), 201);
    }
    assertEquals(List.of(), starts(listed(teacher, from, from.plusDays(6), KOLKATA, 45)));
  }
}
