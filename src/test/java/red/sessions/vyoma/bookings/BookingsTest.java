package red.sessions.vyoma.bookings;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import red.sessions.vyoma.support.LessonEvents;
import red.sessions.vyoma.support.Race;
import red.sessions.vyoma.support.Race.Entrant;
import red.sessions.vyoma.support.Race.Heat;
import red.sessions.vyoma.support.RowLock;
import red.sessions.vyoma.support.Seed;
import red.sessions.vyoma.support.ServerTest;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.support.Api.assertError;
import static red.sessions.vyoma.support.Api.assertJson;
import static red.sessions.vyoma.support.Seed.bookingBody;
import static red.sessions.vyoma.support.Seed.hoursAhead;

class BookingsTest extends ServerTest {

  /** A teacher with one slot from 1 to 5 hours ahead. */
  private static String teacherWithSlot() {
    String teacher = seed.teacher("Physics");
    seed.slot(teacher, hoursAhead(1), hoursAhead(5));
    return teacher;
  }

  private static JsonObject read(String bookingId, String userId) {
    return assertJson(api.get("/bookings/" + bookingId, server.token(userId)), 200);
  }

  private static HttpResponse<Buffer> patch(String bookingId, String userId, String status) {
    return api.send(HttpMethod.PATCH, "/bookings/" + bookingId, server.token(userId), new JsonObject().put("status", status));
  }

  @Test
  void studentAndTeacherGoFromBookingToCompletion() {
    String teacher = teacherWithSlot();
    String student = seed.student();
    JsonObject created = assertJson(api.post("/bookings", server.token(student),
      bookingBody(student, teacher, hoursAhead(2), hoursAhead(3))), 201);
    assertEquals("Booking created successfully", created.getString("message"));
    String id = created.getString("booking_id");

    JsonObject booking = read(id, student);
    assertEquals(id, booking.getString("booking_id"));
    assertEquals(student, booking.getString("student_id"));
    assertEquals(teacher, booking.getString("teacher_id"));
    assertEquals("pending", booking.getString("status"));
    assertEquals(hoursAhead(2).toInstant(), OffsetDateTime.parse(booking.getString("start_time")).toInstant());
    assertTrue(booking.getString("end_time").endsWith(":00:00.000Z"), booking.getString("end_time"));
    assertTrue(booking.containsKey("created_at"));

    assertEquals("confirmed", assertJson(patch(id, teacher, "confirmed"), 200).getString("status"));
    assertEquals("a booking can be completed only once its start_time has passed",
      assertError(patch(id, student, "completed"), 409).getString("message"));
    Seed.lessonTimeCame(id);
    assertEquals("completed", assertJson(patch(id, student, "completed"), 200).getString("status"));
    assertEquals("completed", read(id, teacher).getString("status"));

    JsonArray students = new JsonArray(api.get("/bookings?student_id=" + student, server.token(student)).bodyAsString());
    JsonArray teachers = new JsonArray(api.get("/bookings?teacher_id=" + teacher, server.token(teacher)).bodyAsString());
    assertEquals(List.of(id), students.stream().map(b -> ((JsonObject) b).getString("booking_id")).toList());
    assertEquals(List.of(id), teachers.stream().map(b -> ((JsonObject) b).getString("booking_id")).toList());
  }

  @Test
  void eitherPartyCancelsWithAReasonAndTheTimeIsFreeAtOnce() {
    String teacher = teacherWithSlot();
    String student = seed.student();
    String id = seed.booking(student, teacher, hoursAhead(2), hoursAhead(3));

    JsonObject cancelled = assertJson(api.send(HttpMethod.PATCH, "/bookings/" + id, server.token(teacher),
      new JsonObject().put("status", "cancelled").put("reason", "I am ill")), 200);
    assertEquals("cancelled", cancelled.getString("status"));
    assertEquals("I am ill", cancelled.getString("cancel_reason"));

    String again = seed.booking(seed.student(), teacher, hoursAhead(2), hoursAhead(3));
    assertNotEquals(id, again);
  }

  /** The other party's email as {@code viewer} reads it in their profile; {@code null} when it is hidden. */
  private static String emailSeen(String viewer, String userId) {
    return assertJson(api.get("/profiles?user_id=" + userId, server.token(viewer)), 200).getJsonObject("profile")
      .getString("email");
  }

  private static void assertEmailsShared(String student, String teacher, boolean shared) {
    assertEquals(shared ? teacher + "@example.com" : null, emailSeen(student, teacher), "the teacher's email, to the student");
    assertEquals(shared ? student + "@example.com" : null, emailSeen(teacher, student), "the student's email, to the teacher");
  }

  @Test
  void emailsAreSharedOnceTheTeacherConfirmsAndStaySharedAfter() {
    String teacher = teacherWithSlot();
    String student = seed.student();
    String stranger = seed.student();
    String id = seed.booking(student, teacher, hoursAhead(2), hoursAhead(3));
    assertEmailsShared(student, teacher, false);

    assertJson(patch(id, teacher, "confirmed"), 200);
    assertEmailsShared(student, teacher, true);
    assertNull(emailSeen(stranger, teacher));

    assertJson(patch(id, student, "cancelled"), 200);
    assertEmailsShared(student, teacher, true);

    String other = seed.student();
    seed.completedBooking(other, teacher, 8);
    assertEmailsShared(other, teacher, true);
  }

  /** Booking any teacher and cancelling at once must not reveal their email, now or later. */
  @Test
  void aBookingCancelledWhilePendingSharesNoEmail() {
    String teacher = teacherWithSlot();
    String student = seed.student();
    String id = seed.booking(student, teacher, hoursAhead(2), hoursAhead(3));
    assertJson(patch(id, student, "cancelled"), 200);
    assertEmailsShared(student, teacher, false);

    String byTeacher = seed.booking(student, teacher, hoursAhead(3), hoursAhead(4));
    assertJson(patch(byTeacher, teacher, "cancelled"), 200);
    assertEmailsShared(student, teacher, false);
  }

  @Test
  void overlappingBookingOfTheSameTeacherIs409() {
    String teacher = teacherWithSlot();
    seed.booking(seed.student(), teacher, hoursAhead(2), hoursAhead(3));
    String other = seed.student();
    JsonObject error = assertError(api.post("/bookings", server.token(other),
      bookingBody(other, teacher, hoursAhead(2).plusMinutes(30), hoursAhead(3).plusMinutes(30))), 409);
    assertEquals("the teacher already has a booking at that time", error.getString("message"));
    seed.booking(other, teacher, hoursAhead(3), hoursAhead(4));
  }

  @Test
  void aStudentCannotHoldTwoLessonsAtOnce() {
    String student = seed.student();
    seed.booking(student, teacherWithSlot(), hoursAhead(2), hoursAhead(3));
    String second = teacherWithSlot();
    JsonObject error = assertError(api.post("/bookings", server.token(student),
      bookingBody(student, second, hoursAhead(2), hoursAhead(3))), 409);
    assertEquals("the student already has a booking at that time", error.getString("message"));
  }

  @Test
  void bookingsAndTheirEventsHaveTimeOrderedIds() {
    String student = seed.student();
    String booked = seed.booking(student, teacherWithSlot(), hoursAhead(2), hoursAhead(3));
    JsonObject created = LessonEvents.eventsOf(server, server.token(student), "", 1).get(0);
    assertEquals(7, UUID.fromString(booked).version());
    assertEquals(7, UUID.fromString(created.getString("id")).version(), created::encode);
  }

  @Test
  void aBookingTheDatabaseRefusesWritesNothingAndLeavesItsKeyFree() {
    // The student's own lessons are not in the teacher's calendar, so this overlap passes the judgement and is
    // refused by the exclusion constraint at the insert, with the key's booking and the event sent behind it.
    String student = seed.student();
    String first = seed.booking(student, teacherWithSlot(), hoursAhead(2), hoursAhead(3));
    JsonObject overlapping = bookingBody(student, teacherWithSlot(), hoursAhead(2), hoursAhead(3));
    assertEquals("the student already has a booking at that time",
      assertError(postWithKey(student, "lesson-1", overlapping), 409).getString("message"));
    assertEquals(List.of(first), bookingIds(student));
    assertEquals(List.of("booking.created"), LessonEvents.eventsOf(server, server.token(student), "", 1).stream()
      .map(event -> event.getString("type")).toList());

    assertJson(patch(first, student, "cancelled"), 200);
    HttpResponse<Buffer> retried = postWithKey(student, "lesson-1", overlapping);
    String second = assertJson(retried, 201).getString("booking_id");
    assertNull(retried.getHeader("Idempotent-Replayed"));
    assertEquals(Set.of(first, second), Set.copyOf(bookingIds(student)));
  }

  @Test
  void aBookingMustLieInsideOneSlot() {
    String teacher = teacherWithSlot();
    String student = seed.student();
    assertError(api.post("/bookings", server.token(student),
      bookingBody(student, teacher, hoursAhead(4), hoursAhead(6))), 409);
    assertError(api.post("/bookings", server.token(student),
      bookingBody(student, teacher, hoursAhead(10), hoursAhead(11))), 409);
    assertEquals(List.of(), bookingIds(student));
  }

  @Test
  void invalidBookingsAre400() {
    String teacher = teacherWithSlot();
    String student = seed.student();
    String token = server.token(student);
    assertError(api.post("/bookings", token, bookingBody(student, teacher, hoursAhead(3), hoursAhead(2))), 400);
    assertError(api.post("/bookings", token, bookingBody(student, teacher, hoursAhead(2), hoursAhead(2).plusMinutes(10))), 400);
    assertError(api.post("/bookings", token, bookingBody(student, teacher, hoursAhead(-48), hoursAhead(-47))), 400);
    assertError(api.post("/bookings", token, bookingBody(student, student, hoursAhead(2), hoursAhead(3))), 400);
    assertError(api.post("/bookings", token, bookingBody(student, seed.student(), hoursAhead(2), hoursAhead(3))), 400);
    assertError(api.post("/bookings", token, bookingBody(student, teacher, hoursAhead(2), hoursAhead(3)).put("start_time", "soon")), 400);
    assertError(api.post("/bookings", token, bookingBody(student, teacher, hoursAhead(2), hoursAhead(3)).putNull("teacher_id")), 400);
    String noProfile = "nobody-" + student;
    assertError(api.post("/bookings", server.token(noProfile), bookingBody(noProfile, teacher, hoursAhead(2), hoursAhead(3))), 400);
  }

  @Test
  void aBookingIsMadeOnlyByTheStudentItNames() {
    String teacher = teacherWithSlot();
    String student = seed.student();
    assertError(api.post("/bookings", server.token(seed.student()), bookingBody(student, teacher, hoursAhead(2), hoursAhead(3))), 403);
    assertJson(api.post("/bookings", server.adminToken("root"), bookingBody(student, teacher, hoursAhead(2), hoursAhead(3))), 201);
  }

  @Test
  void bookingsAreSeenOnlyByTheirPartiesAndAdmins() {
    String teacher = teacherWithSlot();
    String student = seed.student();
    String stranger = seed.student();
    String id = seed.booking(student, teacher, hoursAhead(2), hoursAhead(3));

    assertError(api.get("/bookings/" + id, server.token(stranger)), 403);
    assertError(api.get("/bookings?student_id=" + student, server.token(stranger)), 403);
    assertError(api.get("/bookings?teacher_id=" + teacher, server.token(student)), 403);
    assertError(api.get("/bookings", server.token(student)), 400);
    assertError(api.get("/bookings/00000000-0000-0000-0000-000000000000", server.token(student)), 404);
    assertError(api.get("/bookings/not-a-uuid", server.token(student)), 400);
    assertJson(api.get("/bookings/" + id, server.adminToken("root")), 200);
    assertEquals(1, new JsonArray(api.get("/bookings?teacher_id=" + teacher, server.adminToken("root")).bodyAsString()).size());
  }

  @Test
  void onlyTheTeacherConfirmsAndStrangersChangeNothing() {
    String teacher = teacherWithSlot();
    String student = seed.student();
    String id = seed.booking(student, teacher, hoursAhead(2), hoursAhead(3));
    assertError(patch(id, student, "confirmed"), 403);
    assertError(patch(id, seed.student(), "cancelled"), 403);
    assertEquals("pending", read(id, student).getString("status"));
  }

  @Test
  void transitionsOutsideTheLifecycleAre409() {
    String teacher = teacherWithSlot();
    String student = seed.student();
    String id = seed.booking(student, teacher, hoursAhead(2), hoursAhead(3));
    assertError(patch(id, student, "completed"), 409);
    assertJson(patch(id, student, "cancelled"), 200);
    assertError(patch(id, teacher, "confirmed"), 409);
    assertError(patch(id, teacher, "cancelled"), 409);

    String done = seed.booking(student, teacher, hoursAhead(2), hoursAhead(3));
    assertJson(patch(done, teacher, "confirmed"), 200);
    Seed.lessonTimeCame(done);
    assertJson(patch(done, teacher, "completed"), 200);
    assertError(patch(done, student, "cancelled"), 409);
    assertError(patch(done, teacher, "pending"), 400);
    assertError(api.send(HttpMethod.PATCH, "/bookings/" + done, server.token(teacher),
      new JsonObject().put("status", "completed").put("reason", "why not")), 400);
  }

  @Test
  void aRetryWithTheSameIdempotencyKeyReturnsTheFirstBooking() {
    String teacher = teacherWithSlot();
    String student = seed.student();
    JsonObject body = bookingBody(student, teacher, hoursAhead(2), hoursAhead(3));
    HttpResponse<Buffer> first = postWithKey(student, "retry-1", body);
    HttpResponse<Buffer> retry = postWithKey(student, "retry-1", body);
    assertEquals(assertJson(first, 201).getString("booking_id"), assertJson(retry, 201).getString("booking_id"));
    assertNull(first.getHeader("Idempotent-Replayed"));
    assertEquals("true", retry.getHeader("Idempotent-Replayed"));

    assertError(postWithKey(student, "retry-1", bookingBody(student, teacher, hoursAhead(3), hoursAhead(4))), 422);
    assertEquals(1, bookingIds(student).size());
  }

  @Test
  void aFailedAttemptLeavesItsKeyFreeForTheNextTry() {
    String teacher = teacherWithSlot();
    String student = seed.student();
    assertError(postWithKey(student, "lesson-1", bookingBody(student, teacher, hoursAhead(4), hoursAhead(6))), 409);
    HttpResponse<Buffer> corrected = postWithKey(student, "lesson-1", bookingBody(student, teacher, hoursAhead(3), hoursAhead(4)));
    String correctedId = assertJson(corrected, 201).getString("booking_id");
    assertNull(corrected.getHeader("Idempotent-Replayed"));

    // The same request, once the teacher has published its time.
    JsonObject later = bookingBody(student, teacher, hoursAhead(10), hoursAhead(11));
    assertError(postWithKey(student, "lesson-2", later), 409);
    seed.slot(teacher, hoursAhead(10), hoursAhead(12));
    HttpResponse<Buffer> retried = postWithKey(student, "lesson-2", later);
    String laterId = assertJson(retried, 201).getString("booking_id");
    assertNull(retried.getHeader("Idempotent-Replayed"));
    assertEquals(List.of(correctedId, laterId), bookingIds(student));
  }

  @Test
  void idempotencyKeysAreScopedToTheCaller() {
    String teacher = teacherWithSlot();
    String alice = seed.student();
    String bob = seed.student();
    HttpResponse<Buffer> alices = postWithKey(alice, "my-lesson", bookingBody(alice, teacher, hoursAhead(2), hoursAhead(3)));
    HttpResponse<Buffer> bobs = postWithKey(bob, "my-lesson", bookingBody(bob, teacher, hoursAhead(3), hoursAhead(4)));
    String alicesId = assertJson(alices, 201).getString("booking_id");
    String bobsId = assertJson(bobs, 201).getString("booking_id");
    assertNull(bobs.getHeader("Idempotent-Replayed"));
    assertEquals(List.of(alicesId), bookingIds(alice));
    assertEquals(List.of(bobsId), bookingIds(bob));
  }

  @Test
  void anIdempotencyKeyIsOneTo255Characters() {
    String teacher = teacherWithSlot();
    String student = seed.student();
    JsonObject body = bookingBody(student, teacher, hoursAhead(2), hoursAhead(3));
    for (String key : List.of("", "   ", "k".repeat(256))) {
      assertError(postWithKey(student, key, body), 400);
    }
    assertEquals(List.of(), bookingIds(student));

    String longest = "k".repeat(255);
    String id = assertJson(postWithKey(student, longest, body), 201).getString("booking_id");
    HttpResponse<Buffer> replay = postWithKey(student, longest, body);
    assertEquals(id, assertJson(replay, 201).getString("booking_id"));
    assertEquals("true", replay.getHeader("Idempotent-Replayed"));
    assertJson(postWithKey(student, "k", bookingBody(student, teacher, hoursAhead(3), hoursAhead(4))), 201);
  }

  @Test
  void aStaleIfMatchIs412AndChangesNothing() {
    String teacher = teacherWithSlot();
    String student = seed.student();
    String id = seed.booking(student, teacher, hoursAhead(2), hoursAhead(3));
    String etag = api.get("/bookings/" + id, server.token(student)).getHeader("ETag");
    assertJson(patch(id, teacher, "confirmed"), 200);
    HttpResponse<Buffer> stale = api.request(HttpMethod.PATCH, "/bookings/" + id)
      .bearerTokenAuthentication(server.token(student)).putHeader("If-Match", etag)
      .sendJsonObject(new JsonObject().put("status", "cancelled")).await();
    assertError(stale, 412);
    assertEquals("confirmed", read(id, student).getString("status"));
  }

  /**
   * A race of the bookings' rules: the world set up for it, the row its requests queue for (held by the test
   * until every one of them waits on it), the request at the head of that queue if one must be running when
   * the others arrive, the racers, and what must hold of the answers and the booking afterwards.
   */
  private record Racing(RowLock lock, Entrant head, int racers, IntFunction<Entrant> entrant,
                        BiConsumer<HttpResponse<Buffer>, List<HttpResponse<Buffer>>> outcome) {

    /** Racers queued on the row alone, no request ahead of them. */
    static Racing heldBy(RowLock lock, int racers, IntFunction<Entrant> entrant,
                         Consumer<List<HttpResponse<Buffer>>> outcome) {
      return new Racing(lock, null, racers, entrant, (head, answers) -> outcome.accept(answers));
    }

    /** Racers queued behind {@code head}, which is the one still running when they arrive. */
    static Racing heldBehind(RowLock lock, Entrant head, int racers, IntFunction<Entrant> entrant,
                             BiConsumer<HttpResponse<Buffer>, List<HttpResponse<Buffer>>> outcome) {
      return new Racing(lock, head, racers, entrant, outcome);
    }

    void run() {
      if (head == null) {
        outcome.accept(null, Race.heldBy(lock, server, racers, entrant));
      } else {
        Heat heat = Race.heldBehind(lock, server, head, racers, entrant);
        outcome.accept(heat.first(), heat.racers());
      }
    }
  }

  /** Each race, named by what it proves; set up only when it runs, on the class's server. */
  static Stream<Arguments> races() {
    return Stream.of(
      race("retries arriving while the first attempt is still running answer its booking", () -> {
        String teacher = seed.teacher("Physics");
        String slot = seed.slot(teacher, hoursAhead(1), hoursAhead(5));
        String student = seed.student();
        Entrant attempt = Entrant.of(HttpMethod.POST, "/bookings", server.token(student),
          bookingBody(student, teacher, hoursAhead(2), hoursAhead(3))).withHeader("Idempotency-Key", "double-click");
        // The first attempt claims the key, then waits inside its transaction for the slot the test holds.
        return Racing.heldBehind(RowLock.on("availability_slots", "id", slot), attempt, 20, i -> attempt,
          (first, retries) -> {
            String id = assertJson(first, 201).getString("booking_id");
            assertNull(first.getHeader("Idempotent-Replayed"));
            for (HttpResponse<Buffer> retry : retries) {
              assertEquals(id, assertJson(retry, 201).getString("booking_id"));
              assertEquals("true", retry.getHeader("Idempotent-Replayed"));
            }
            assertEquals(List.of(id), bookingIds(student));
          });
      }),
      race("fifty students racing for one teacher yield exactly one booking", () -> {
        String teacher = seed.teacher("Physics");
        String slot = seed.slot(teacher, hoursAhead(1), hoursAhead(5));
        List<String> students = IntStream.range(0, 50).mapToObj(i -> seed.student()).toList();
        // Every booking references the slot, so each waits for it inside its own transaction.
        return Racing.heldBy(RowLock.on("availability_slots", "id", slot), 50,
          i -> Entrant.of(HttpMethod.POST, "/bookings", server.token(students.get(i)),
            bookingBody(students.get(i), teacher, hoursAhead(2).plusMinutes(i), hoursAhead(3).plusMinutes(i))),
          responses -> assertOneBooking(responses, "/bookings?teacher_id=" + teacher, teacher));
      }),
      race("one student booking many teachers at once gets exactly one", () -> {
        String student = seed.student();
        List<String> teachers = IntStream.range(0, 20).mapToObj(i -> teacherWithSlot()).toList();
        // Every booking references the student's profile, so each waits for it inside its own transaction.
        return Racing.heldBy(RowLock.on("profiles", "user_id", student), 20,
          i -> Entrant.of(HttpMethod.POST, "/bookings", server.token(student),
            bookingBody(student, teachers.get(i), hoursAhead(2), hoursAhead(3))),
          responses -> assertOneBooking(responses, "/bookings?student_id=" + student, student));
      }),
      race("concurrent confirm and cancel of the same version have one winner", () -> {
        String teacher = teacherWithSlot();
        String student = seed.student();
        String id = seed.booking(student, teacher, hoursAhead(2), hoursAhead(3));
        String etag = api.get("/bookings/" + id, server.token(student)).getHeader("ETag");
        JsonObject confirm = new JsonObject().put("status", "confirmed");
        // The teacher's confirm heads the queue for the booking's row; confirms and cancels of the same
        // version race in behind it, so a cancel would succeed after it if the version were not compared.
        return Racing.heldBehind(RowLock.on("bookings", "id", id),
          Entrant.of(HttpMethod.PATCH, "/bookings/" + id, server.token(teacher), confirm).withHeader("If-Match", etag), 20,
          i -> bothParties(id, teacher, student, i % 2 == 0 ? confirm : new JsonObject().put("status", "cancelled"), i)
            .withHeader("If-Match", etag),
          (first, racers) -> {
            List<HttpResponse<Buffer>> responses = new ArrayList<>(racers);
            responses.add(first);
            assertOneWinner(id, student, responses, 412);
            assertEquals("confirmed", assertJson(first, 200).getString("status"));
          });
      }),
      race("concurrent cancels of one booking have one winner", () -> {
        String teacher = teacherWithSlot();
        String student = seed.student();
        String id = seed.booking(student, teacher, hoursAhead(2), hoursAhead(3));
        return Racing.heldBy(RowLock.on("bookings", "id", id), 20,
          i -> bothParties(id, teacher, student, new JsonObject().put("status", "cancelled"), i),
          responses -> {
            assertOneWinner(id, student, responses, 409);
            assertEquals("cancelled", read(id, student).getString("status"));
          });
      }),
      race("both parties completing at once complete the booking once", () -> {
        String teacher = teacherWithSlot();
        String student = seed.student();
        String id = seed.booking(student, teacher, hoursAhead(2), hoursAhead(3));
        assertJson(patch(id, teacher, "confirmed"), 200);
        Seed.lessonTimeCame(id);
        return Racing.heldBy(RowLock.on("bookings", "id", id), 20,
          i -> bothParties(id, teacher, student, new JsonObject().put("status", "completed"), i),
          responses -> {
            assertOneWinner(id, student, responses, 409);
            assertEquals("completed", read(id, student).getString("status"));
          });
      }));
  }

  private static Arguments race(String name, Supplier<Racing> setUp) {
    return Arguments.of(name, setUp);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("races")
  void racingRequestsHaveTheOneOutcomeTheRulesAllow(String race, Supplier<Racing> setUp) {
    try {
      setUp.get().run();
    } catch (AssertionError failed) {
      // Surefire's summary names a case by its index alone: the failure says which race it was.
      throw new AssertionError(race + ": " + failed.getMessage(), failed);
    }
  }

  /** Racer {@code i}'s PATCH of the booking: the teacher's for even {@code i}, the student's for odd. */
  private static Entrant bothParties(String id, String teacher, String student, JsonObject body, int i) {
    return Entrant.of(HttpMethod.PATCH, "/bookings/" + id, server.token(i % 2 == 0 ? teacher : student), body);
  }

  /** Exactly one racer booked and every other got 409; the listing at {@code listing}, as {@code reader} reads it, has no overlap. */
  private static void assertOneBooking(List<HttpResponse<Buffer>> responses, String listing, String reader) {
    assertEquals(1, responses.stream().filter(r -> r.statusCode() == 201).count(), "exactly one booking");
    responses.stream().filter(r -> r.statusCode() != 201).forEach(r -> assertError(r, 409));
    assertNoOverlap(new JsonArray(api.get(listing, server.token(reader)).bodyAsString()));
  }

  /**
   * A booking locks both parties' profiles, in user-id order. The test holds the second and then asks for
   * the first, which the booking's transaction already holds: PostgreSQL breaks the deadlock by rolling the
   * booking back (40P01), a conflict the student may simply send again, not a 500.
   */
  @Test
  void aBookingRolledBackToBreakADeadlockIs409AndLeavesNothing() {
    String teacher = teacherWithSlot();
    String student = seed.student();
    List<String> parties = new ArrayList<>(List.of(student, teacher));
    parties.sort(null);
    JsonObject body = bookingBody(student, teacher, hoursAhead(2), hoursAhead(3));
    HttpResponse<Buffer> response;
    try (RowLock lock = RowLock.on("profiles", "user_id", parties.get(1))) {
      var booking = api.request(HttpMethod.POST, "/bookings").bearerTokenAuthentication(server.token(student))
        .sendJsonObject(body);
      lock.awaitWaiting(1);
      lock.alsoLock("profiles", "user_id", parties.get(0));
      lock.release();
      response = booking.await();
    }

    assertEquals("the request collided with a concurrent change and was rolled back; send it again",
      assertError(response, 409).getString("message"));
    assertTrue(new JsonArray(api.get("/bookings?student_id=" + student, server.token(student)).bodyAsString()).isEmpty());
    assertJson(api.post("/bookings", server.token(student), body), 201);
  }

  @Test
  void aCancelAfterAConfirmStillWorks() {
    String teacher = teacherWithSlot();
    String student = seed.student();
    String id = seed.booking(student, teacher, hoursAhead(2), hoursAhead(3));
    assertJson(patch(id, teacher, "confirmed"), 200);
    assertEquals("cancelled", assertJson(patch(id, student, "cancelled"), 200).getString("status"));
  }

  /**
   * Exactly one racer changed the booking and every other got {@code loserStatus}; the booking is as the
   * winner left it (its version moved once).
   */
  private static void assertOneWinner(String id, String userId, List<HttpResponse<Buffer>> responses, int loserStatus) {
    List<HttpResponse<Buffer>> winners = responses.stream().filter(r -> r.statusCode() == 200).toList();
    assertEquals(1, winners.size(), "exactly one change wins");
    responses.stream().filter(r -> r.statusCode() != 200).forEach(r -> assertError(r, loserStatus));
    HttpResponse<Buffer> now = api.get("/bookings/" + id, server.token(userId));
    assertEquals(winners.get(0).getHeader("ETag"), now.getHeader("ETag"));
    assertEquals(winners.get(0).bodyAsJsonObject(), assertJson(now, 200));
  }

  private static HttpResponse<Buffer> postWithKey(String studentId, String key, JsonObject body) {
    return api.request(HttpMethod.POST, "/bookings").bearerTokenAuthentication(server.token(studentId))
      .putHeader("Idempotency-Key", key).sendJsonObject(body).await();
  }

  /** The student's bookings, by start time. */
  private static List<String> bookingIds(String studentId) {
    return new JsonArray(api.get("/bookings?student_id=" + studentId, server.token(studentId)).bodyAsString()).stream()
      .map(b -> ((JsonObject) b).getString("booking_id")).toList();
  }

  private static void assertNoOverlap(JsonArray bookings) {
    List<JsonObject> active = bookings.stream().map(JsonObject.class::cast)
      .filter(b -> List.of("pending", "confirmed").contains(b.getString("status"))).toList();
    for (JsonObject a : active) {
      for (JsonObject b : active) {
        if (a != b) {
          boolean overlap = a.getString("start_time").compareTo(b.getString("end_time")) < 0
            && b.getString("start_time").compareTo(a.getString("end_time")) < 0;
          assertFalse(overlap, "overlapping active bookings " + a + " and " + b);
        }
      }
    }
  }
}
