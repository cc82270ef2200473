package red.sessions.vyoma.bookings;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.support.Seed;
import red.sessions.vyoma.support.ServerTest;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static red.sessions.vyoma.bookings.BookingStatus.CANCELLED;
import static red.sessions.vyoma.bookings.BookingStatus.COMPLETED;
import static red.sessions.vyoma.bookings.BookingStatus.CONFIRMED;
import static red.sessions.vyoma.bookings.BookingStatus.PENDING;
import static red.sessions.vyoma.support.Api.assertJson;
import static red.sessions.vyoma.support.Schedules.everyDay;
import static red.sessions.vyoma.support.Schedules.rules;
import static red.sessions.vyoma.support.Schedules.schedule;
import static red.sessions.vyoma.support.Seed.hoursAhead;

/**
 * Every change a booking may be asked for (the rows of {@link Transition}), by each kind of caller, on a booking in
 * each status, at times on both sides of each edge of the rules: free cancellation (the teacher's policy: 24 hours
 * before), the start, and the no-show window. What the server answers over HTTP must be what docs/api.md says
 * ({@link #expected}, written out here on its own), and what the table says: a change it allows succeeds, and a
 * refusal carries the table's own explanation. Each edge is passed by two minutes on either side.
 */
class BookingTransitionsTest extends ServerTest {

  private static final Duration LESSON = Duration.ofHours(1);
  private static final Duration FREE_CANCELLATION = Duration.ofHours(24);
  private static final Duration MARGIN = Duration.ofMinutes(2);

  /** When, relative to the lesson's start, a change is asked for. */
  enum Moment {
    FREE_CANCELLATION_LEFT(FREE_CANCELLATION.plus(MARGIN)),
    FREE_CANCELLATION_OVER(FREE_CANCELLATION.minus(MARGIN)),
    ABOUT_TO_START(MARGIN),
    JUST_STARTED(MARGIN.negated()),
    NO_SHOW_NOT_YET(Duration.ofMinutes(10).minus(MARGIN).negated()),
    NO_SHOW_OPEN(Duration.ofMinutes(10).plus(MARGIN).negated()),
    NO_SHOW_CLOSING(LESSON.plus(Duration.ofHours(48)).minus(MARGIN).negated()),
    NO_SHOW_CLOSED(LESSON.plus(Duration.ofHours(48)).plus(MARGIN).negated());

    /** How long from now the lesson starts (negative: it started that long ago). */
    final Duration startsIn;

    Moment(Duration startsIn) {
      this.startsIn = startsIn;
    }

    boolean started() {
      return startsIn.isNegative();
    }

    boolean freeCancellationOver() {
      return startsIn.compareTo(FREE_CANCELLATION) < 0;
    }

    boolean inNoShowWindow() {
      Duration sinceStart = startsIn.negated();
      return sinceStart.compareTo(Duration.ofMinutes(10)) >= 0 && sinceStart.compareTo(LESSON.plus(Duration.ofHours(48))) <= 0;
    }
  }

  enum Actor { STUDENT, TEACHER, ADMIN, STRANGER }

  /** What the server should answer: a status code, and for a 200 the booking's status, no_show and late_cancellation. */
  record Expected(int code, BookingStatus status, String noShow, boolean late) {
    static Expected refused(int code) {
      return new Expected(code, null, null, false);
    }

    static Expected done(BookingStatus status) {
      return new Expected(200, status, null, false);
    }
  }

  /** The booking's rules as docs/api.md states them (Bookings; Packages, the cancellation policy and no-shows). */
  static Expected expected(Transition change, Actor actor, BookingStatus status, Moment moment) {
    boolean student = actor == Actor.STUDENT || actor == Actor.ADMIN;
    boolean teacher = actor == Actor.TEACHER || actor == Actor.ADMIN;
    if (actor == Actor.STRANGER) {
      return Expected.refused(403);
    }
    return switch (change) {
      case CONFIRM -> !teacher ? Expected.refused(403) : status != PENDING ? Expected.refused(409) : Expected.done(CONFIRMED);
      case CANCEL -> status != PENDING && status != CONFIRMED ? Expected.refused(409)
        : new Expected(200, CANCELLED, null, actor == Actor.STUDENT && moment.freeCancellationOver());
      case COMPLETE -> status != CONFIRMED || !moment.started() ? Expected.refused(409) : Expected.done(COMPLETED);
      case STUDENT_ABSENT -> !teacher ? Expected.refused(403)
        : status != CONFIRMED || !moment.inNoShowWindow() ? Expected.refused(409) : new Expected(200, COMPLETED, "student", false);
      case TEACHER_ABSENT -> !student ? Expected.refused(403)
        : status != CONFIRMED || !moment.inNoShowWindow() ? Expected.refused(409) : new Expected(200, CANCELLED, "teacher", false);
      case MOVE -> status != PENDING && status != CONFIRMED || moment.started() ? Expected.refused(409)
        : Expected.done(actor == Actor.STUDENT ? PENDING : status);
    };
  }

  static Stream<Arguments> bookings() {
    List<Arguments> cases = new ArrayList<>();
    for (BookingStatus status : List.of(PENDING, CONFIRMED)) {
      for (Moment moment : Moment.values()) {
        cases.add(Arguments.of(status, moment));
      }
    }
    // An ended booking stays ended, whenever it is asked.
    for (BookingStatus status : List.of(COMPLETED, CANCELLED)) {
      for (Moment moment : List.of(Moment.FREE_CANCELLATION_LEFT, Moment.NO_SHOW_OPEN)) {
        cases.add(Arguments.of(status, moment));
      }
    }
    return cases.stream();
  }

  /** A booking of a new student with a new teacher (free cancellation until 24 hours before), in the status, at the moment. */
  private record Lesson(String studentId, String teacherId, String bookingId) {

    static Lesson in(BookingStatus status, Moment moment) {
      String teacher = seed.teacher("Harp");
      seed.schedule(teacher, schedule("UTC", everyDay("00:00", "24:00"), new JsonArray(), rules(0, 0, 15, 365)
        .put("cancellation", new JsonObject().put("free_until_hours_before", FREE_CANCELLATION.toHours()))));
      String student = seed.student();
      Lesson lesson = new Lesson(student, teacher, seed.booking(student, teacher, hoursAhead(30), hoursAhead(31)));
      if (status != PENDING) {
        lesson.patch(teacher, status == CANCELLED ? "cancelled" : "confirmed");
      }
      if (status == COMPLETED) {
        Seed.lessonStartedAgo(lesson.bookingId, LESSON);
        lesson.patch(teacher, "completed");
      }
      Seed.lessonStartsIn(lesson.bookingId, moment.startsIn);
      return lesson;
    }

    private void patch(String userId, String status) {
      assertJson(api.send(HttpMethod.PATCH, "/bookings/" + bookingId, server.token(userId), new JsonObject().put("status", status)), 200);
    }

    /** The booking as its student reads it, as the table sees it. */
    Booking read() {
      JsonObject json = assertJson(api.get("/bookings/" + bookingId, server.token(studentId)), 200);
      OffsetDateTime start = OffsetDateTime.parse(json.getString("start_time"));
      OffsetDateTime freeUntil = OffsetDateTime.parse(json.getString("free_cancellation_until"));
      return new Booking(UUID.fromString(bookingId), studentId, teacherId, start, OffsetDateTime.parse(json.getString("end_time")),
        BookingStatus.fromWire(json.getString("status")), null, start, start, 0, List.of(), null, freeUntil,
        json.getBoolean("late_cancellation"), json.getString("no_show"), null, null);
    }

    String userOf(Actor actor) {
      return switch (actor) {
        case STUDENT -> studentId;
        case TEACHER -> teacherId;
        case ADMIN -> "admin-" + UUID.randomUUID();
        case STRANGER -> "stranger-" + UUID.randomUUID();
      };
    }

    HttpResponse<Buffer> ask(Transition change, Actor actor, String userId) {
      String token = actor == Actor.ADMIN ? server.adminToken(userId) : server.token(userId);
      String path = "/bookings/" + bookingId;
      return switch (change) {
        case CONFIRM, CANCEL, COMPLETE -> api.send(HttpMethod.PATCH, path, token, new JsonObject().put("status", change.to().wire()));
        case STUDENT_ABSENT -> api.post(path + "/no-show", token, new JsonObject().put("absent", "student"));
        case TEACHER_ABSENT -> api.post(path + "/no-show", token, new JsonObject().put("absent", "teacher"));
        case MOVE -> api.post(path + "/reschedule", token, Seed.times(hoursAhead(40), hoursAhead(41)));
      };
    }
  }

  @ParameterizedTest(name = "a {0} booking, {1}")
  @MethodSource("bookings")
  void eachChangeByEachCallerIsAnsweredAsTheTableAndTheGuideSay(BookingStatus status, Moment moment) {
    List<Runnable> cells = new ArrayList<>();
    Lesson lesson = Lesson.in(status, moment);
    // A refused change leaves the booking as it was: it is read again only after one that changed it.
    Booking before = lesson.read();
    for (Transition change : Transition.values()) {
      for (Actor actor : Actor.values()) {
        String userId = lesson.userOf(actor);
        Optional<DomainException> table = change.refusal(before, new Caller(userId, actor == Actor.ADMIN), Instant.now());
        HttpResponse<Buffer> response = lesson.ask(change, actor, userId);
        Expected expected = expected(change, actor, status, moment);
        String cell = change + " by the " + actor + ": " + response.bodyAsString();
        JsonObject body = response.bodyAsJsonObject();
        cells.add(() -> assertEquals(expected.code(), response.statusCode(), cell));
        if (actor == Actor.STRANGER) {
          cells.add(() -> assertEquals("only the booking's student and teacher may see it", body.getString("message"), cell));
        } else {
          cells.add(() -> assertEquals(expected.code(), table.map(BookingTransitionsTest::code).orElse(200), "the table: " + cell));
          cells.add(() -> assertEquals(table.map(DomainException::getMessage).orElse(null), response.statusCode() == 200 ? null
            : body.getString("message"), cell));
        }
        if (response.statusCode() == 200) {
          cells.add(() -> assertEquals(expected.status().wire(), body.getString("status"), cell));
          cells.add(() -> assertEquals(expected.noShow(), body.getString("no_show"), cell));
          cells.add(() -> assertEquals(expected.late(), body.getBoolean("late_cancellation"), cell));
          lesson = Lesson.in(status, moment);
          before = lesson.read();
        }
      }
    }
    assertAll(cells.stream().map(cell -> cell::run));
  }

  private static int code(DomainException refusal) {
    return switch (refusal.reason()) {
      case FORBIDDEN -> 403;
      case CONFLICT -> 409;
      default -> throw new AssertionError("the table refuses only as forbidden or conflict: " + refusal.reason());
    };
  }
}
