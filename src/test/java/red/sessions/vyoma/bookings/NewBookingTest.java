package red.sessions.vyoma.bookings;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import red.sessions.vyoma.api.BookingBodies;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.kernel.TimeRange;
import red.sessions.vyoma.support.Samples;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class NewBookingTest {

  private static final OffsetDateTime START = OffsetDateTime.now(ZoneOffset.UTC).plusDays(1).truncatedTo(ChronoUnit.HOURS);

  private static JsonObject body(String studentId, String teacherId, OffsetDateTime start, OffsetDateTime end) {
    return new JsonObject().put("student_id", studentId).put("teacher_id", teacherId)
      .put("start_time", start.toString()).put("end_time", end.toString());
  }

  private static NewBooking booking(String studentId, String teacherId, String start, String end) {
    return new NewBooking(studentId, teacherId, new TimeRange(OffsetDateTime.parse(start), OffsetDateTime.parse(end)), null);
  }

  private static void assertRefused(String message, JsonObject body) {
    DomainException e = assertThrows(DomainException.class, () -> BookingBodies.newBooking(body));
    assertEquals(DomainException.Reason.INVALID, e.reason());
    assertEquals(message, e.getMessage());
  }

  @Test
  void aStudentBooksALessonWithATeacher() {
    NewBooking booking = BookingBodies.newBooking(body("sam", "alice", START, START.plusHours(1)));
    assertEquals(new NewBooking("sam", "alice", new TimeRange(START, START.plusHours(1)), null), booking);
  }

  @Test
  void aStudentMayNameThePackageToTakeTheLessonFrom() {
    UUID packageId = UUID.randomUUID();
    NewBooking booking = BookingBodies.newBooking(body("sam", "alice", START, START.plusHours(1)).put("package_id", packageId.toString()));
    assertEquals(packageId, booking.packageId());
    assertRefused("package_id must be a UUID", body("sam", "alice", START, START.plusHours(1)).put("package_id", "ten"));
    assertNotEquals(booking.fingerprint(), BookingBodies.newBooking(body("sam", "alice", START, START.plusHours(1))).fingerprint());
  }

  @Test
  void aStudentDoesNotBookThemself() {
    assertRefused("student_id and teacher_id must be different users",
      body("sam", "sam", START, START.plusHours(1)));
  }

  @Test
  void bothPartiesAreRequired() {
    assertRefused("student_id is required", body("sam", "alice", START, START.plusHours(1)).put("student_id", " "));
    assertRefused("teacher_id is required", body("sam", "alice", START, START.plusHours(1)).putNull("teacher_id"));
  }

  @Test
  void bothEndsOfTheLessonAreRequired() {
    assertRefused("start_time is required", body("sam", "alice", START, START.plusHours(1)).putNull("start_time"));
    assertRefused("end_time is required", body("sam", "alice", START, START.plusHours(1)).putNull("end_time"));
    assertRefused("end_time must be an ISO-8601 time with an offset, e.g. 2026-12-01T09:00:00Z",
      body("sam", "alice", START, START.plusHours(1)).put("end_time", "later"));
  }

  @Test
  void aLessonLastsFrom15MinutesTo8Hours() {
    BookingBodies.newBooking(body("sam", "alice", START, START.plusMinutes(15)));
    BookingBodies.newBooking(body("sam", "alice", START, START.plusHours(8)));
    String length = "the time from start_time to end_time must be between 15 min and 8 h";
    assertRefused(length, body("sam", "alice", START, START.plusMinutes(14)));
    assertRefused(length, body("sam", "alice", START, START.plusHours(8).plusMinutes(1)));
  }

  @Test
  void theFingerprintIsTheSha256OfTheCanonicalRequest() {
    // Stored with every idempotency key: a new form would turn a retry across an upgrade into a 409.
    assertEquals("e6c71f8289cde373d6053a1bf4201e06a6fa5be050917629b57aacf64ece2b01",
      booking("sam", "alice", "2030-01-07T09:00:00Z", "2030-01-07T10:00:00Z").fingerprint());
  }

  @Test
  void theSameLessonWrittenWithAnotherOffsetHasTheSameFingerprint() {
    assertEquals(booking("sam", "alice", "2030-01-07T09:00:00Z", "2030-01-07T10:00:00Z").fingerprint(),
      booking("sam", "alice", "2030-01-07T14:30:00+05:30", "2030-01-07T05:00:00-05:00").fingerprint());
  }

  @Test
  void fieldsCannotTradeCharactersWithoutChangingTheFingerprint() {
    assertNotEquals(booking("sa", "malice", "2030-01-07T09:00:00Z", "2030-01-07T10:00:00Z").fingerprint(),
      booking("sam", "alice", "2030-01-07T09:00:00Z", "2030-01-07T10:00:00Z").fingerprint());
  }

  @Test
  void anyDifferenceInTheBookingChangesItsFingerprint() {
    String start = "2030-01-07T09:00:00Z";
    String end = "2030-01-07T10:00:00Z";
    Samples.check(random -> {
      String student = Samples.nonBlank(random);
      String teacher = Samples.nonBlank(random);
      String other = Samples.nonBlank(random);
      String fingerprint = booking(student, teacher, start, end).fingerprint();
      assertEquals(fingerprint, booking(student, teacher, start, end).fingerprint());
      assertEquals(other.equals(student), fingerprint.equals(booking(other, teacher, start, end).fingerprint()));
      assertEquals(other.equals(teacher), fingerprint.equals(booking(student, other, start, end).fingerprint()));
      assertNotEquals(fingerprint, booking(student, teacher, "2030-01-07T09:00:00.000001Z", end).fingerprint());
      assertNotEquals(fingerprint, booking(student, teacher, start, "2030-01-07T10:15:00Z").fingerprint());
    });
  }
}
