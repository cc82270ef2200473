package red.sessions.vyoma.availability;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import red.sessions.vyoma.support.Race;
import red.sessions.vyoma.support.Race.Entrant;
import red.sessions.vyoma.support.RowLock;
import red.sessions.vyoma.support.ServerTest;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.support.Api.assertError;
import static red.sessions.vyoma.support.Api.assertJson;
import static red.sessions.vyoma.support.Seed.bookingBody;
import static red.sessions.vyoma.support.Seed.hoursAhead;
import static red.sessions.vyoma.support.Seed.times;

class AvailabilityTest extends ServerTest {

  private static final DateTimeFormatter UTC_MILLIS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'");
  private static final DateTimeFormatter WITH_OFFSET = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssxxx");

  /** A token for a signed-in user who has no profile at all. */
  static String anyone() {
    return server.token("user-" + UUID.randomUUID());
  }

  static JsonObject slotBody(String teacherId, OffsetDateTime start, OffsetDateTime end) {
    return times(start, end).put("teacher_id", teacherId);
  }

  static String utc(OffsetDateTime time) {
    return UTC_MILLIS.format(time.withOffsetSameInstant(ZoneOffset.UTC));
  }

  static String param(OffsetDateTime time) {
    return URLEncoder.encode(time.toString(), StandardCharsets.UTF_8);
  }

  /** GET /availability with the query, as a signed-in user with no profile, answered 200 with an array. */
  static JsonArray listed(String query) {
    HttpResponse<Buffer> response = api.get("/availability?" + query, anyone());
    assertEquals(200, response.statusCode(), () -> "body: " + response.bodyAsString());
    return response.bodyAsJsonArray();
  }

  static JsonArray slotsOf(String teacherId) {
    return listed("teacher_id=" + teacherId);
  }

  static List<String> ids(JsonArray slots) {
    return slots.stream().map(slot -> ((JsonObject) slot).getString("id")).toList();
  }

  static HttpResponse<Buffer> delete(String slotId, String token) {
    return api.send(HttpMethod.DELETE, "/availability/" + slotId, token, null);
  }

  static void cancel(String bookingId, String token) {
    JsonObject booking = assertJson(api.send(HttpMethod.PATCH, "/bookings/" + bookingId, token,
      new JsonObject().put("status", "cancelled")), 200);
    assertEquals("cancelled", booking.getString("status"));
  }

  // --- publishing and listing ---

  @Test
  void publishedSlotIsListedInUtcWithMilliseconds() {
    OffsetDateTime h = hoursAhead(0);
    String teacher = seed.teacher();
    OffsetDateTime start = h.plusHours(3);
    OffsetDateTime end = start.plusMinutes(90);
    ZoneOffset india = ZoneOffset.ofHoursMinutes(5, 30);
    JsonObject body = new JsonObject()
      .put("teacher_id", teacher)
      .put("start_time", WITH_OFFSET.format(start.withOffsetSameInstant(india)))
      .put("end_time", WITH_OFFSET.format(end.withOffsetSameInstant(india)));
    assertTrue(body.getString("start_time").endsWith("+05:30"), body::encode);

    JsonObject created = assertJson(api.post("/availability", server.token(teacher), body), 201);
    assertEquals("Availability slot created successfully", created.getString("message"));
    String id = created.getString("id");
    UUID.fromString(id);

    JsonArray slots = slotsOf(teacher);
    assertEquals(1, slots.size(), slots::encode);
    JsonObject slot = slots.getJsonObject(0);
    assertEquals(id, slot.getString("id"));
    assertEquals(teacher, slot.getString("teacher_id"));
    assertEquals(utc(start), slot.getString("start_time"));
    assertEquals(utc(end), slot.getString("end_time"));
    assertTrue(slot.getString("start_time").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"), slot::encode);
    assertEquals(false, slot.getBoolean("is_booked"));
    assertEquals(5, slot.size(), () -> "unexpected fields in " + slot);
  }

  @Test
  void anySignedInUserMayListButNobodyAnonymously() {
    OffsetDateTime h = hoursAhead(0);
    String teacher = seed.teacher();
    String id = seed.slot(teacher, h.plusHours(1), h.plusHours(2));
    String student = seed.student();

    HttpResponse<Buffer> asStudent = api.get("/availability?teacher_id=" + teacher, server.token(student));
    assertEquals(200, asStudent.statusCode(), asStudent::bodyAsString);
    assertEquals(List.of(id), ids(asStudent.bodyAsJsonArray()));
    assertEquals(List.of(id), ids(slotsOf(teacher)));

    assertError(api.get("/availability?teacher_id=" + teacher, null), 401);
    assertError(api.post("/availability", null, slotBody(teacher, h.plusHours(3), h.plusHours(4))), 401);
    assertError(delete(id, null), 401);
    assertEquals(List.of(id), ids(slotsOf(teacher)));
  }

  @Test
  void slotsOfFifteenMinutesAndOfTwentyFourHoursAreAccepted() {
    OffsetDateTime h = hoursAhead(0);
    String teacher = seed.teacher();
    String token = server.token(teacher);
    OffsetDateTime start = h.plusHours(1);
    assertJson(api.post("/availability", token, slotBody(teacher, start, start.plusMinutes(15))), 201);
    assertJson(api.post("/availability", token, slotBody(teacher, h.plusHours(2), h.plusHours(26))), 201);
    assertEquals(2, slotsOf(teacher).size());
  }

  // --- overlaps ---

  @Test
  void overlappingSlotOfTheSameTeacherIs409AndStoresNothing() {
    OffsetDateTime h = hoursAhead(0);
    String teacher = seed.teacher();
    String token = server.token(teacher);
    String first = seed.slot(teacher, h.plusHours(1), h.plusHours(3));

    JsonObject error = assertError(api.post("/availability", token, slotBody(teacher, h.plusHours(2), h.plusHours(4))), 409);
    assertEquals("conflict", error.getString("error"));
    assertError(api.post("/availability", token, slotBody(teacher, h.plusHours(1), h.plusHours(3))), 409);
    assertError(api.post("/availability", token,
      slotBody(teacher, h.plusHours(1).plusMinutes(15), h.plusHours(1).plusMinutes(45))), 409);
    assertError(api.post("/availability", token, slotBody(teacher, h, h.plusHours(5))), 409);

    assertEquals(List.of(first), ids(slotsOf(teacher)));
  }

  @Test
  void overlappingSlotsPublishedAtOnceYieldExactlyOne() {
    OffsetDateTime h = hoursAhead(0);
    String teacher = seed.teacher();
    // Every slot references the teacher's profile, so each waits for it inside its own transaction.
    List<HttpResponse<Buffer>> responses = Race.heldBy(RowLock.on("profiles", "user_id", teacher), server, 20,
      i -> Entrant.of(HttpMethod.POST, "/availability", server.token(teacher),
        slotBody(teacher, h.plusHours(1).plusMinutes(i), h.plusHours(2).plusMinutes(i))));

    List<HttpResponse<Buffer>> created = responses.stream().filter(r -> r.statusCode() == 201).toList();
    assertEquals(1, created.size(), "exactly one slot");
    responses.stream().filter(r -> r.statusCode() != 201).forEach(r -> assertError(r, 409));
    assertEquals(List.of(created.get(0).bodyAsJsonObject().getString("id")), ids(slotsOf(teacher)));
  }

  @Test
  void adjacentSlotsAndOtherTeachersAtTheSameTimeAreFine() {
    OffsetDateTime h = hoursAhead(0);
    String teacher = seed.teacher();
    String other = seed.teacher();
    String first = seed.slot(teacher, h.plusHours(1), h.plusHours(2));

    String after = assertJson(api.post("/availability", server.token(teacher),
      slotBody(teacher, h.plusHours(2), h.plusHours(3))), 201).getString("id");
    String before = assertJson(api.post("/availability", server.token(teacher),
      slotBody(teacher, h, h.plusHours(1))), 201).getString("id");
    String sameTime = assertJson(api.post("/availability", server.token(other),
      slotBody(other, h.plusHours(1), h.plusHours(2))), 201).getString("id");

    assertEquals(List.of(before, first, after), ids(slotsOf(teacher)));
    assertEquals(List.of(sameTime), ids(slotsOf(other)));
  }

  // --- permissions ---

  @Test
  void publishingForAnotherTeacherIsForbiddenAndStoresNothing() {
    OffsetDateTime h = hoursAhead(0);
    String teacher = seed.teacher();
    String intruder = seed.teacher();
    JsonObject error = assertError(api.post("/availability", server.token(intruder),
      slotBody(teacher, h.plusHours(1), h.plusHours(2))), 403);
    assertEquals("forbidden", error.getString("error"));
    assertEquals(0, slotsOf(teacher).size());
    assertEquals(0, slotsOf(intruder).size());
  }

  @Test
  void studentsAndUsersWithoutAProfileCannotPublish() {
    OffsetDateTime h = hoursAhead(0);
    String student = seed.student();
    assertError(api.post("/availability", server.token(student), slotBody(student, h.plusHours(1), h.plusHours(2))), 403);
    assertEquals(0, slotsOf(student).size());

    String nobody = "user-" + UUID.randomUUID();
    assertError(api.post("/availability", server.token(nobody), slotBody(nobody, h.plusHours(1), h.plusHours(2))), 403);
    assertEquals(0, slotsOf(nobody).size());
  }

  @Test
  void anAdminMayPublishForATeacher() {
    OffsetDateTime h = hoursAhead(0);
    String teacher = seed.teacher();
    String id = assertJson(api.post("/availability", server.adminToken("admin-" + UUID.randomUUID()),
      slotBody(teacher, h.plusHours(1), h.plusHours(2))), 201).getString("id");
    JsonArray slots = slotsOf(teacher);
    assertEquals(List.of(id), ids(slots));
    assertEquals(teacher, slots.getJsonObject(0).getString("teacher_id"));
  }

  // --- validation ---

  static Stream<Consumer<JsonObject>> invalidBodies() {
    OffsetDateTime start = hoursAhead(1);
    OffsetDateTime pastStart = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(2)).atOffset(ZoneOffset.UTC);
    return Stream.of(
      body -> body.put("start_time", start.toString()).put("end_time", start.minusHours(1).toString()),
      body -> body.put("start_time", start.toString()).put("end_time", start.toString()),
      body -> body.put("start_time", start.toString()).put("end_time", start.plusMinutes(14).toString()),
      body -> body.put("start_time", start.toString()).put("end_time", start.plusHours(24).plusMinutes(1).toString()),
      body -> body.put("start_time", pastStart.toString()).put("end_time", pastStart.plusHours(1).toString()),
      body -> body.remove("teacher_id"),
      body -> body.put("teacher_id", 42),
      body -> body.remove("start_time"),
      body -> body.remove("end_time"),
      body -> body.put("start_time", "2030-01-01T10:00:00").put("end_time", "2030-01-01T11:00:00Z"),
      body -> body.put("start_time", "2030-01-01T10:00:00Z").put("end_time", "2030-01-01T11:00:00"),
      body -> body.put("start_time", "next tuesday at ten"),
      body -> body.put("end_time", ""),
      body -> body.put("start_time", 1893492000),
      body -> body.put("end_time", new JsonObject()));
  }

  @ParameterizedTest
  @MethodSource("invalidBodies")
  void invalidSlotIs400AndStoresNothing(Consumer<JsonObject> breakIt) {
    String teacher = seed.teacher();
    OffsetDateTime start = hoursAhead(1);
    JsonObject body = slotBody(teacher, start, start.plusHours(1));
    breakIt.accept(body);
    JsonObject error = assertError(api.post("/availability", server.token(teacher), body), 400);
    assertEquals("bad_request", error.getString("error"));
    assertNotEquals("the request is not valid", error.getString("message"), "the message names the problem");
    assertEquals(0, slotsOf(teacher).size());
  }

  // --- filters and paging ---

  @Test
  void fromAndToKeepSlotsEndingAfterFromAndStartingBeforeTo() {
    OffsetDateTime h = hoursAhead(0);
    String teacher = seed.teacher();
    String a = seed.slot(teacher, h.plusHours(1), h.plusHours(2));
    String b = seed.slot(teacher, h.plusHours(3), h.plusHours(4));
    String c = seed.slot(teacher, h.plusHours(5), h.plusHours(6));
    String all = "teacher_id=" + teacher;

    assertEquals(List.of(b, c), ids(listed(all + "&from=" + param(h.plusHours(2)))));
    assertEquals(List.of(a, b, c), ids(listed(all + "&from=" + param(h.plusHours(1).plusMinutes(30)))));
    assertEquals(List.of(a, b), ids(listed(all + "&to=" + param(h.plusHours(5)))));
    assertEquals(List.of(a, b, c), ids(listed(all + "&to=" + param(h.plusHours(5).plusMinutes(1)))));
    assertEquals(List.of(b), ids(listed(all + "&from=" + param(h.plusHours(2)) + "&to=" + param(h.plusHours(5)))));
    assertEquals(List.of(), ids(listed(all + "&from=" + param(h.plusHours(6)))));

    ZoneOffset india = ZoneOffset.ofHoursMinutes(5, 30);
    assertEquals(List.of(b), ids(listed(all + "&from=" + param(h.plusHours(2).withOffsetSameInstant(india))
      + "&to=" + param(h.plusHours(5).withOffsetSameInstant(india)))));
  }

  @Test
  void limitAndOffsetPageThroughSlotsInStartTimeOrder() {
    OffsetDateTime h = hoursAhead(0);
    String teacher = seed.teacher();
    String c = seed.slot(teacher, h.plusHours(5), h.plusHours(6));
    String a = seed.slot(teacher, h.plusHours(1), h.plusHours(2));
    String b = seed.slot(teacher, h.plusHours(3), h.plusHours(4));
    String all = "teacher_id=" + teacher;

    assertEquals(List.of(a, b, c), ids(listed(all)));
    assertEquals(List.of(a, b), ids(listed(all + "&limit=2")));
    assertEquals(List.of(b, c), ids(listed(all + "&limit=2&offset=1")));
    assertEquals(List.of(c), ids(listed(all + "&limit=2&offset=2")));
    assertEquals(List.of(), ids(listed(all + "&offset=3")));
    assertEquals(List.of(a), ids(listed(all + "&limit=1")));
    assertEquals(List.of(a, b, c), ids(listed(all + "&limit=500")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"limit=0", "limit=501", "limit=-1", "offset=-1", "limit=abc", "offset=1.5", "from=yesterday",
    "to=2030-01-01T10:00:00", "from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z",
    "from=2030-01-01T00:00:00Z&to=2030-01-01T00:00:00Z"})
  void badListQueryIs400(String query) {
    JsonObject error = assertError(api.get("/availability?teacher_id=" + seed.teacher() + "&" + query, anyone()), 400);
    assertEquals("bad_request", error.getString("error"));
  }

  // --- deleting ---

  @Test
  void theTeacherDeletesTheirSlot() {
    OffsetDateTime h = hoursAhead(0);
    String teacher = seed.teacher();
    String id = seed.slot(teacher, h.plusHours(1), h.plusHours(2));
    String kept = seed.slot(teacher, h.plusHours(3), h.plusHours(4));

    JsonObject deleted = assertJson(delete(id, server.token(teacher)), 200);
    assertEquals("Availability slot deleted successfully", deleted.getString("message"));
    assertEquals(List.of(kept), ids(slotsOf(teacher)));

    assertError(delete(id, server.token(teacher)), 404);
    // The time is free again.
    seed.slot(teacher, h.plusHours(1), h.plusHours(2));
  }

  @Test
  void anotherUserCannotDeleteTheSlot() {
    OffsetDateTime h = hoursAhead(0);
    String teacher = seed.teacher();
    String id = seed.slot(teacher, h.plusHours(1), h.plusHours(2));

    JsonObject error = assertError(delete(id, server.token(seed.teacher())), 403);
    assertEquals("forbidden", error.getString("error"));
    assertError(delete(id, server.token(seed.student())), 403);
    assertError(delete(id, anyone()), 403);

    assertEquals(List.of(id), ids(slotsOf(teacher)));
  }

  @Test
  void unknownSlotIs404AndAMalformedIdIs400() {
    String teacher = seed.teacher();
    JsonObject notFound = assertError(delete(UUID.randomUUID().toString(), server.token(teacher)), 404);
    assertEquals("not_found", notFound.getString("error"));
    JsonObject bad = assertError(delete("not-a-uuid", server.token(teacher)), 400);
    assertEquals("bad_request", bad.getString("error"));
  }

  @Test
  void anAdminMayDeleteAnySlot() {
    OffsetDateTime h = hoursAhead(0);
    String teacher = seed.teacher();
    String id = seed.slot(teacher, h.plusHours(1), h.plusHours(2));
    assertJson(delete(id, server.adminToken("admin-" + UUID.randomUUID())), 200);
    assertEquals(List.of(), ids(slotsOf(teacher)));
  }

  // --- bookings inside slots ---

  @Test
  void isBookedFollowsTheBookingInsideTheSlot() {
    OffsetDateTime h = hoursAhead(0);
    String teacher = seed.teacher();
    String student = seed.student();
    String booked = seed.slot(teacher, h.plusHours(1), h.plusHours(3));
    String free = seed.slot(teacher, h.plusHours(4), h.plusHours(5));

    String booking = seed.booking(student, teacher, h.plusHours(2), h.plusHours(2).plusMinutes(30));
    JsonArray slots = slotsOf(teacher);
    assertEquals(List.of(booked, free), ids(slots));
    assertEquals(true, slots.getJsonObject(0).getBoolean("is_booked"), slots::encode);
    assertEquals(false, slots.getJsonObject(1).getBoolean("is_booked"), slots::encode);

    cancel(booking, server.token(student));
    slots = slotsOf(teacher);
    assertEquals(List.of(booked, free), ids(slots));
    assertFalse(slots.getJsonObject(0).getBoolean("is_booked"), slots::encode);
    assertFalse(slots.getJsonObject(1).getBoolean("is_booked"), slots::encode);
  }

  @Test
  void aSlotHoldingAPendingBookingCannotBeDeletedUntilTheBookingIsCancelled() {
    OffsetDateTime h = hoursAhead(0);
    String teacher = seed.teacher();
    String student = seed.student();
    String id = seed.slot(teacher, h.plusHours(1), h.plusHours(2));
    String booking = seed.booking(student, teacher, h.plusHours(1), h.plusHours(2));

    JsonObject error = assertError(delete(id, server.token(teacher)), 409);
    assertEquals("conflict", error.getString("error"));
    assertError(delete(id, server.adminToken("admin-" + UUID.randomUUID())), 409);
    JsonArray slots = slotsOf(teacher);
    assertEquals(List.of(id), ids(slots));
    assertTrue(slots.getJsonObject(0).getBoolean("is_booked"), slots::encode);

    cancel(booking, server.token(student));
    assertEquals("Availability slot deleted successfully",
      assertJson(delete(id, server.token(teacher)), 200).getString("message"));
    assertEquals(List.of(), ids(slotsOf(teacher)));
  }

  @Test
  void aSlotDeletedWhileStudentsBookIntoItIsNeverDeletedWithABookingInside() {
    OffsetDateTime h = hoursAhead(0);
    String teacher = seed.teacher();
    String id = seed.slot(teacher, h.plusHours(1), h.plusHours(3));
    List<String> students = IntStream.range(0, 19).mapToObj(i -> seed.student()).toList();
    // The delete locks the slot and every booking references it: all of them wait for the test's lock.
    List<HttpResponse<Buffer>> responses = Race.heldBy(RowLock.on("availability_slots", "id", id), server, 20,
      i -> i == students.size()
        ? Entrant.of(HttpMethod.DELETE, "/availability/" + id, server.token(teacher), null)
        : Entrant.of(HttpMethod.POST, "/bookings", server.token(students.get(i)),
          bookingBody(students.get(i), teacher, h.plusHours(1), h.plusHours(2))));

    HttpResponse<Buffer> deletion = responses.get(students.size());
    List<HttpResponse<Buffer>> bookings = responses.subList(0, students.size());
    List<HttpResponse<Buffer>> booked = bookings.stream().filter(r -> r.statusCode() == 201).toList();
    bookings.stream().filter(r -> r.statusCode() != 201).forEach(r -> assertError(r, 409));
    JsonArray active = new JsonArray(api.get("/bookings?teacher_id=" + teacher, server.token(teacher)).bodyAsString());
    if (deletion.statusCode() == 200) {
      assertEquals(List.of(), booked, "no booking made in a deleted slot");
      assertEquals(List.of(), ids(slotsOf(teacher)));
      assertEquals(0, active.size(), active::encode);
    } else {
      assertError(deletion, 409);
      assertEquals(1, booked.size(), "the one booking that won the slot");
      JsonArray slots = slotsOf(teacher);
      assertEquals(List.of(id), ids(slots));
      assertTrue(slots.getJsonObject(0).getBoolean("is_booked"), slots::encode);
      assertEquals(booked.get(0).bodyAsJsonObject().getString("booking_id"), active.getJsonObject(0).getString("booking_id"));
      assertEquals(1, active.size(), active::encode);
    }
  }
}
