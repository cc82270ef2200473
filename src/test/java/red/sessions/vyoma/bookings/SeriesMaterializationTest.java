package red.sessions.vyoma.bookings;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import red.sessions.vyoma.support.LessonEvents;
import red.sessions.vyoma.support.Node;
import red.sessions.vyoma.support.Seed;
import red.sessions.vyoma.support.ServerTest;
import red.sessions.vyoma.support.Wait;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.support.Api.assertJson;
import static red.sessions.vyoma.support.Schedules.everyDay;
import static red.sessions.vyoma.support.Schedules.rules;
import static red.sessions.vyoma.support.Schedules.schedule;
import static red.sessions.vyoma.support.Seed.bookingBody;

/** The sweep that books a series' occurrences as the teacher's booking window reaches them. */
class SeriesMaterializationTest extends ServerTest {

  @Override
  protected Map<String, String> settings() {
    return Map.of("VYOMA_SERIES_MATERIALIZE_INTERVAL_SECONDS", "1");
  }

  private static List<JsonObject> occurrences(JsonObject series) {
    return series.getJsonArray("occurrences").stream().map(JsonObject.class::cast).toList();
  }

  @Test
  void anOpenEndedSeriesIsBookedAsTheWindowReachesItOnceEachAndSkipsWhatItCannotBook() {
    String teacher = seed.teacher("Maths");
    seed.schedule(teacher, schedule("UTC", everyDay("00:00", "24:00"), new JsonArray(), rules(0, 0, 15, 15)));
    String student = seed.student();
    OffsetDateTime first = Instant.now().plus(Duration.ofDays(2)).truncatedTo(ChronoUnit.HOURS).atOffset(ZoneOffset.UTC);
    JsonObject body = bookingBody(student, teacher, first, first.plusHours(1)).put("time_zone", "UTC");

    JsonObject made = assertJson(api.post("/series", server.token(student), body), 201);
    String id = made.getString("series_id");
    // Inside a 15-day window: the lessons 2 and 9 days ahead, not the one 16 days ahead.
    assertEquals(2, occurrences(made).size());
    assertJson(api.post("/series/" + id + "/confirm", server.token(teacher), new JsonObject()), 200);

    // The teacher's window widens to 30 days, another student books the third week, and the series' next
    // occurrence comes due.
    seed.schedule(teacher, schedule("UTC", everyDay("00:00", "24:00"), new JsonArray(), rules(0, 0, 15, 30)));
    OffsetDateTime third = first.plusWeeks(2);
    seed.booking(seed.student(), teacher, third, third.plusHours(1));
    Seed.seriesDueNow(id);
    JsonObject swept = Wait.poll(Duration.ofSeconds(20), Duration.ofMillis(200),
      () -> assertJson(api.get("/series/" + id, server.token(student)), 200), series -> occurrences(series).size() >= 4);

    List<JsonObject> occurrences = occurrences(swept);
    Instant window = Instant.now().plus(Duration.ofDays(30));
    assertEquals(IntStream.rangeClosed(1, occurrences.size()).boxed().toList(),
      occurrences.stream().map(o -> o.getInteger("occurrence")).toList());
    assertTrue(occurrences.stream().allMatch(o -> OffsetDateTime.parse(o.getString("start_time")).toInstant().isBefore(window)));
    assertTrue(OffsetDateTime.parse(occurrences.get(occurrences.size() - 1).getString("start_time")).plusWeeks(1).toInstant()
      .isAfter(window.minus(Duration.ofMinutes(5))), swept::encode);
    JsonObject skipped = occurrences.get(2);
    assertEquals("skipped", skipped.getString("status"));
    assertEquals("the teacher already has a booking at that time", skipped.getString("reason"));
    // Later occurrences of a confirmed series start confirmed.
    assertEquals("confirmed", occurrences.get(3).getString("booking_status"));

    List<JsonObject> bookings = new JsonArray(api.get("/bookings?student_id=" + student, server.token(student)).bodyAsString())
      .stream().map(JsonObject.class::cast).toList();
    assertEquals(occurrences.stream().filter(o -> "booked".equals(o.getString("status"))).count(), bookings.size());
    assertEquals(bookings.size(), bookings.stream().map(b -> b.getString("start_time")).distinct().count());

    List<JsonObject> events = LessonEvents.eventsOf(server, server.token(student), "", 1);
    List<JsonObject> skips = events.stream().filter(event -> "series.occurrence_skipped".equals(event.getString("type"))).toList();
    assertEquals(1, skips.size());
    assertEquals(3, skips.get(0).getJsonObject("data").getInteger("occurrence"));
    assertEquals(id, skips.get(0).getJsonObject("subject").getString("series_id"));
  }

  @Test
  void aPackageRunningOutAsTheWindowReachesTheSeriesSkipsTheRestWithAnEventSaying() {
    String teacher = seed.teacher("Maths");
    seed.schedule(teacher, schedule("UTC", everyDay("00:00", "24:00"), new JsonArray(),
      rules(0, 0, 15, 15).put("requires_package", true)));
    String student = seed.student();
    String packageId = assertJson(api.post("/packages", server.adminToken("billing-" + UUID.randomUUID()),
      new JsonObject().put("student_id", student).put("teacher_id", teacher).put("lessons", 3)), 201).getString("package_id");
    OffsetDateTime first = Instant.now().plus(Duration.ofDays(2)).truncatedTo(ChronoUnit.HOURS).atOffset(ZoneOffset.UTC);
    JsonObject made = assertJson(api.post("/series", server.token(student),
      bookingBody(student, teacher, first, first.plusHours(1)).put("time_zone", "UTC")), 201);
    String id = made.getString("series_id");
    assertEquals(2, occurrences(made).size());

    seed.schedule(teacher, schedule("UTC", everyDay("00:00", "24:00"), new JsonArray(),
      rules(0, 0, 15, 30).put("requires_package", true)));
    Seed.seriesDueNow(id);
    JsonObject swept = Wait.poll(Duration.ofSeconds(20), Duration.ofMillis(200),
      () -> assertJson(api.get("/series/" + id, server.token(student)), 200), series -> occurrences(series).size() >= 4);

    List<JsonObject> occurrences = occurrences(swept);
    assertEquals("booked", occurrences.get(2).getString("status"), swept::encode);
    List<JsonObject> skipped = occurrences.subList(3, occurrences.size());
    assertTrue(skipped.stream().allMatch(o -> "skipped".equals(o.getString("status"))
      && "no lessons left in a package with this teacher".equals(o.getString("reason"))), swept::encode);
    assertEquals(0, assertJson(api.get("/packages/" + packageId, server.token(student)), 200).getInteger("remaining"));

    List<JsonObject> events = LessonEvents.eventsOf(server, server.token(student), "", 1);
    List<JsonObject> skips = events.stream().filter(event -> "series.occurrence_skipped".equals(event.getString("type"))).toList();
    assertEquals(skipped.stream().map(o -> o.getInteger("occurrence")).toList(),
      skips.stream().map(event -> event.getJsonObject("data").getInteger("occurrence")).toList());
    for (JsonObject skip : skips) {
      JsonObject data = skip.getJsonObject("data");
      assertEquals("no lessons left in a package with this teacher",
        data.getJsonArray("occurrences").getJsonObject(data.getInteger("occurrence") - 1).getString("reason"), data::encode);
    }
  }

  @Test
  void anOccurrenceMovedOrCancelledOnItsOwnIsRememberedAndNeverBookedAgain() {
    String teacher = seed.teacher("Maths");
    seed.schedule(teacher, schedule("UTC", everyDay("00:00", "24:00"), new JsonArray(), rules(0, 0, 15, 15)));
    String student = seed.student();
    OffsetDateTime first = Instant.now().plus(Duration.ofDays(2)).truncatedTo(ChronoUnit.HOURS).atOffset(ZoneOffset.UTC);
    JsonObject made = assertJson(api.post("/series", server.token(student),
      bookingBody(student, teacher, first, first.plusHours(1)).put("time_zone", "UTC")), 201);
    String id = made.getString("series_id");
    String moved = occurrences(made).get(0).getString("booking_id");
    String cancelled = occurrences(made).get(1).getString("booking_id");

    assertJson(api.post("/bookings/" + moved + "/reschedule", server.token(student), new JsonObject()
      .put("start_time", first.plusHours(3).toString()).put("end_time", first.plusHours(4).toString())), 200);
    assertJson(api.send(HttpMethod.PATCH, "/bookings/" + cancelled, server.token(student),
      new JsonObject().put("status", "cancelled")), 200);
    seed.schedule(teacher, schedule("UTC", everyDay("00:00", "24:00"), new JsonArray(), rules(0, 0, 15, 30)));
    Seed.seriesDueNow(id);
    JsonObject swept = Wait.poll(Duration.ofSeconds(20), Duration.ofMillis(200),
      () -> assertJson(api.get("/series/" + id, server.token(student)), 200), series -> occurrences(series).size() >= 4);

    List<JsonObject> occurrences = occurrences(swept);
    assertEquals(moved, occurrences.get(0).getString("booking_id"));
    assertEquals("moved", occurrences.get(0).getString("changed"));
    assertEquals(cancelled, occurrences.get(1).getString("booking_id"));
    assertEquals("cancelled", occurrences.get(1).getString("changed"));
    assertEquals(null, occurrences.get(2).getString("changed"));
    List<JsonObject> bookings = new JsonArray(api.get("/bookings?student_id=" + student, server.token(student)).bodyAsString())
      .stream().map(JsonObject.class::cast).toList();
    assertEquals(occurrences.size(), bookings.size());
    assertTrue(bookings.stream().noneMatch(booking -> OffsetDateTime.parse(booking.getString("start_time")).isEqual(first)),
      bookings::toString);
  }

  @Test
  void sweepsOnEveryNodeOfAClusterBookEachOccurrenceOnce() {
    List<Node> nodes = Node.twoMembers(settings());
    try {
      Node a = nodes.get(0);
      Node b = nodes.get(1);
      String teacher = seed.teacher("Maths");
      seed.schedule(teacher, schedule("UTC", everyDay("00:00", "24:00"), new JsonArray(), rules(0, 0, 15, 15)));
      OffsetDateTime first = Instant.now().plus(Duration.ofDays(2)).truncatedTo(ChronoUnit.HOURS).atOffset(ZoneOffset.UTC);
      List<String> students = IntStream.range(0, 4).mapToObj(i -> seed.student()).toList();
      List<String> series = IntStream.range(0, students.size()).mapToObj(i -> {
        OffsetDateTime start = first.plusHours(i);
        return assertJson(a.api().post("/series", a.token(students.get(i)),
          bookingBody(students.get(i), teacher, start, start.plusHours(1)).put("time_zone", "UTC")), 201).getString("series_id");
      }).toList();

      seed.schedule(teacher, schedule("UTC", everyDay("00:00", "24:00"), new JsonArray(), rules(0, 0, 15, 30)));
      series.forEach(Seed::seriesDueNow);
      List<JsonObject> swept = IntStream.range(0, series.size()).mapToObj(i -> Wait.poll(Duration.ofSeconds(30),
        Duration.ofMillis(200), () -> assertJson(b.api().get("/series/" + series.get(i), b.token(students.get(i))), 200),
        found -> occurrences(found).size() >= 4)).toList();

      int booked = 0;
      for (JsonObject found : swept) {
        List<JsonObject> occurrences = occurrences(found);
        assertEquals(IntStream.rangeClosed(1, occurrences.size()).boxed().toList(),
          occurrences.stream().map(o -> o.getInteger("occurrence")).toList());
        assertTrue(occurrences.stream().allMatch(o -> "booked".equals(o.getString("status"))), found::encode);
        booked += occurrences.size();
      }
      List<JsonObject> bookings = new JsonArray(b.api().get("/bookings?teacher_id=" + teacher + "&limit=100",
        b.token(teacher)).bodyAsString()).stream().map(JsonObject.class::cast).toList();
      assertEquals(booked, bookings.size());
      assertEquals(booked, bookings.stream().map(booking -> booking.getString("start_time")).distinct().count());
    } finally {
      Node.kill(nodes);
    }
  }
}
