package red.sessions.vyoma.availability;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import red.sessions.vyoma.support.ServerTest;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.support.Api.assertError;
import static red.sessions.vyoma.support.Api.assertJson;
import static red.sessions.vyoma.support.Schedules.everyDay;
import static red.sessions.vyoma.support.Schedules.hours;
import static red.sessions.vyoma.support.Schedules.onDate;
import static red.sessions.vyoma.support.Schedules.rules;
import static red.sessions.vyoma.support.Schedules.schedule;
import static red.sessions.vyoma.support.Schedules.starts;

/** Setting and reading a teacher's weekly hours, overrides and rules: {@code /teachers/{teacher_id}/schedule}. */
class ScheduleTest extends ServerTest {

  /** The example, as a teacher would send it. */
  static JsonObject example() {
    return schedule("America/New_York",
      new JsonArray()
        .add(hours("13:00", "18:00").put("day", "sunday"))
        .add(hours("09:00", "12:00").put("day", "monday")),
      new JsonArray()
        .add(new JsonObject().put("date", "2027-03-15").put("unavailable", true))
        .add(onDate(LocalDate.parse("2027-03-14"), "10:00", "11:00")),
      rules(120, 10, 30, 90));
  }

  static HttpResponse<Buffer> put(String teacherId, String token, JsonObject body) {
    return api.send(HttpMethod.PUT, "/teachers/" + teacherId + "/schedule", token, body);
  }

  static JsonObject read(String teacherId) {
    return assertJson(api.get("/teachers/" + teacherId + "/schedule", server.token("user-" + UUID.randomUUID())), 200);
  }

  @Test
  void aTeacherSetsTheScheduleOnceAndAnyoneReadsItBackInOrder() {
    String teacher = seed.teacher();
    JsonObject stored = seed.schedule(teacher, example());

    JsonObject expected = new JsonObject()
      .put("teacher_id", teacher)
      .put("time_zone", "America/New_York")
      .put("weekly", new JsonArray()
        .add(new JsonObject().put("start", "09:00").put("end", "12:00").put("day", "monday"))
        .add(new JsonObject().put("start", "13:00").put("end", "18:00").put("day", "sunday")))
      .put("overrides", new JsonArray()
        .add(new JsonObject().put("start", "10:00").put("end", "11:00").put("date", "2027-03-14"))
        .add(new JsonObject().put("date", "2027-03-15").put("unavailable", true)))
      .put("rules", rules(120, 10, 30, 90));
    assertEquals(expected, stored);
    assertEquals(expected, read(teacher));

    JsonObject replaced = seed.schedule(teacher, schedule("Asia/Kolkata", everyDay("00:00", "24:00"), new JsonArray(),
      new JsonObject()));
    assertEquals(7, replaced.getJsonArray("weekly").size());
    assertEquals("24:00", replaced.getJsonArray("weekly").getJsonObject(6).getString("end"));
    assertEquals(new JsonArray(), replaced.getJsonArray("overrides"));
    assertEquals(replaced, read(teacher));
  }

  @Test
  void omittedRulesTakeTheirDefaultsAndATeacherWithoutAScheduleHasNoWeeklyHours() {
    String teacher = seed.teacher();
    JsonObject none = read(teacher);
    assertEquals(new JsonArray(), none.getJsonArray("weekly"));
    assertEquals(new JsonArray(), none.getJsonArray("overrides"));
    assertEquals("UTC", none.getString("time_zone"));
    assertEquals(rules(0, 0, 15, 365).putNull("max_days_ahead"), none.getJsonObject("rules"));

    JsonObject body = new JsonObject().put("time_zone", "Europe/Berlin")
      .put("weekly", new JsonArray().add(hours("08:00", "09:00").put("day", "friday")))
      .put("rules", new JsonObject().put("buffer_minutes", 5));
    assertEquals(rules(0, 5, 15, 365), seed.schedule(teacher, body).getJsonObject("rules"));
  }

  /** Any name of the IANA time zone database in its Area/Location form is taken, old links and Etc/ zones too. */
  @ParameterizedTest
  @ValueSource(strings = {"UTC", "Etc/UTC", "Etc/GMT-14", "America/Argentina/Buenos_Aires", "Asia/Kolkata", "US/Eastern"})
  void everyAreaLocationZoneOfTheDatabaseAndUtcAreTaken(String zone) {
    String teacher = seed.teacher();
    assertEquals(zone, seed.schedule(teacher, example().put("time_zone", zone)).getString("time_zone"));
    assertEquals(zone, seed.bookableSlots(teacher, "time_zone=" + URLEncoder.encode(zone, StandardCharsets.UTF_8))
      .getString("time_zone"));
  }

  @Test
  void onlyTheTeacherOrAnAdminSetsTheScheduleAndOnlyForATeacher() {
    String teacher = seed.teacher();
    String other = seed.teacher();
    String student = seed.student();
    assertError(put(teacher, server.token(other), example()), 403);
    assertError(put(student, server.token(student), example()), 403);
    assertError(put(teacher, null, example()), 401);
    assertEquals(new JsonArray(), read(teacher).getJsonArray("weekly"));

    assertJson(put(teacher, server.adminToken("admin-" + UUID.randomUUID()), example()), 200);
    assertEquals("America/New_York", read(teacher).getString("time_zone"));

    String anyone = server.token("user-" + UUID.randomUUID());
    assertError(api.get("/teachers/" + student + "/schedule", anyone), 404);
    assertError(api.get("/teachers/nobody-" + UUID.randomUUID() + "/schedule", anyone), 404);
    assertError(api.get("/teachers/" + student + "/slots", anyone), 404);
    assertError(api.get("/teachers/" + teacher + "/schedule", null), 401);
  }

  static Stream<Arguments> invalidSchedules() {
    return Stream.of(
      invalid("time_zone", body -> body.put("time_zone", "Mars/Olympus_Mons")),
      invalid("time_zone", body -> body.put("time_zone", "+05:00")),
      invalid("time_zone", body -> body.put("time_zone", "GMT+3")),
      invalid("time_zone", body -> body.put("time_zone", "SystemV/EST5")),
      invalid("time_zone", body -> body.put("time_zone", "EST5EDT")),
      invalid("time_zone", body -> body.put("time_zone", "Japan")),
      invalid("time_zone", body -> body.put("time_zone", "GMT")),
      invalid("time_zone", body -> body.remove("time_zone")),
      invalid("weekly", body -> body.remove("weekly")),
      invalid("weekly[0].day", body -> body.getJsonArray("weekly").getJsonObject(0).put("day", "Sunday")),
      invalid("weekly[0].day", body -> body.getJsonArray("weekly").getJsonObject(0).put("day", "someday")),
      invalid("weekly[1].start", body -> body.getJsonArray("weekly").getJsonObject(1).put("start", "9:00")),
      invalid("weekly[1].end", body -> body.getJsonArray("weekly").getJsonObject(1).put("end", "24:30")),
      invalid("weekly[1].start", body -> body.getJsonArray("weekly").getJsonObject(1).put("start", "24:00")),
      invalid("weekly[1].start", body -> body.getJsonArray("weekly").getJsonObject(1).put("start", "12:00")),
      invalid("required property \"end\" at #/weekly/1", body -> body.getJsonArray("weekly").getJsonObject(1).remove("end")),
      invalid("weekly hours of monday: 09:00-12:00 overlaps 11:00-13:00",
        body -> body.getJsonArray("weekly").add(hours("11:00", "13:00").put("day", "monday"))),
      invalid("overrides[0].date", body -> body.getJsonArray("overrides").getJsonObject(0).put("date", "2027-02-30")),
      invalid("overrides[0]", body -> body.getJsonArray("overrides").getJsonObject(0).put("start", "10:00")),
      invalid("overrides[0].unavailable", body -> body.getJsonArray("overrides").getJsonObject(0).put("unavailable", "yes")),
      invalid("cannot be both closed and open",
        body -> body.getJsonArray("overrides").add(onDate(LocalDate.parse("2027-03-15"), "10:00", "11:00"))),
      invalid("overrides of 2027-03-14: 10:00-11:00 overlaps 10:30-12:00",
        body -> body.getJsonArray("overrides").add(onDate(LocalDate.parse("2027-03-14"), "10:30", "12:00"))),
      invalid("rules.buffer_minutes", body -> body.getJsonObject("rules").put("buffer_minutes", 241)),
      invalid("rules.slot_step_minutes", body -> body.getJsonObject("rules").put("slot_step_minutes", 4)),
      invalid("rules.max_days_ahead", body -> body.getJsonObject("rules").put("max_days_ahead", 0)),
      invalid("rules.min_notice_minutes", body -> body.getJsonObject("rules").put("min_notice_minutes", -1)),
      invalid("rules.min_notice_minutes", body -> body.getJsonObject("rules").put("min_notice_minutes", 1.5)));
  }

  static Arguments invalid(String named, Consumer<JsonObject> change) {
    JsonObject body = example();
    change.accept(body);
    return Arguments.of(named, body);
  }

  @ParameterizedTest
  @MethodSource("invalidSchedules")
  void anInvalidScheduleIs400NamingWhatIsWrongAndChangesNothing(String named, JsonObject body) {
    String teacher = seed.teacher();
    JsonObject before = seed.schedule(teacher, schedule("Europe/Paris", everyDay("08:00", "10:00"), new JsonArray(),
      new JsonObject()));
    String message = assertError(put(teacher, server.token(teacher), body), 400).getString("message");
    // The contract's schema names a field as a JSON pointer (#/weekly/0/day); the domain's rules as weekly[0].day.
    String pointer = "#/" + named.replace("].", "/").replace("[", "/").replace("]", "").replace(".", "/");
    assertTrue(message.contains(named) || message.endsWith(" at " + pointer), () -> message + " names " + named);
    assertEquals(before, read(teacher));
  }

  @ParameterizedTest
  @ValueSource(strings = {"from=2027-03-10&to=2027-03-09", "from=2027-03-01&to=2027-04-01", "duration=14",
    "duration=481", "duration=sixty", "time_zone=Atlantis%2FCentral", "time_zone=SystemV%2FEST5", "time_zone=EST5EDT",
    "time_zone=%2B05%3A30", "time_zone=GMT%2B3", "time_zone=Japan", "from=2027-02-30",
    "from=tomorrow", "from=2027-03-08T10:00:00&to=2027-03-09"})
  void aSlotQueryOutOfBoundsIs400(String query) {
    String teacher = seed.teacher();
    assertError(api.get("/teachers/" + teacher + "/slots?" + query, server.token(teacher)), 400);
  }

  @Test
  void aMonthOfSlotsMayBeListedAtOnce() {
    String teacher = seed.teacher();
    seed.schedule(teacher, schedule("UTC", everyDay("10:00", "11:00"), new JsonArray(), rules(0, 0, 60, 365)));
    LocalDate from = LocalDate.now(ZoneId.of("UTC")).plusDays(1);
    JsonObject listing = seed.bookableSlots(teacher, "from=" + from + "&to=" + from.plusDays(30));
    assertEquals(31, listing.getJsonArray("slots").size(), listing::encode);
    assertEquals("UTC", listing.getString("time_zone"));
    assertEquals(60, listing.getInteger("duration"));
    assertEquals(teacher, listing.getString("teacher_id"));
    assertEquals(from + "T10:00:00+00:00", listing.getJsonArray("slots").getJsonObject(0).getString("start"));
    assertEquals(from + "T11:00:00+00:00", listing.getJsonArray("slots").getJsonObject(0).getString("end"));

    String encoded = URLEncoder.encode(from.atTime(10, 30) + ":00+00:00", StandardCharsets.UTF_8);
    JsonObject byInstant = seed.bookableSlots(teacher, "from=" + encoded + "&to=" + from.plusDays(2) + "&duration=15");
    assertEquals(List.of(from.plusDays(1) + "T10:00:00+00:00", from.plusDays(2) + "T10:00:00+00:00"), starts(byInstant));
  }
}
