package red.sessions.vyoma.bookings;

import org.junit.jupiter.api.Test;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.bus.DomainException;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.bookings.BookingStatus.CANCELLED;
import static red.sessions.vyoma.bookings.BookingStatus.COMPLETED;
import static red.sessions.vyoma.bookings.BookingStatus.CONFIRMED;
import static red.sessions.vyoma.bookings.BookingStatus.PENDING;
import static red.sessions.vyoma.bookings.Transition.Party.STUDENT;
import static red.sessions.vyoma.bookings.Transition.Party.TEACHER;

/** The transition table as docs/api.md states it, and the refusals it explains. */
class TransitionTest {

  private static final Caller SAM = new Caller("sam", false);
  private static final Caller ALICE = new Caller("alice", false);
  private static final Caller ADMIN = new Caller("root", true);
  private static final Caller EVE = new Caller("eve", false);
  /** A lesson from 10:00 to 11:00. */
  private static final Instant START = Instant.parse("2026-03-04T10:00:00Z");
  private static final Instant END = START.plus(Duration.ofHours(1));

  private static Booking booking(BookingStatus status, String noShow) {
    OffsetDateTime start = START.atOffset(ZoneOffset.UTC);
    return new Booking(UUID.randomUUID(), "sam", "alice", start, END.atOffset(ZoneOffset.UTC), status, null, start, start,
      1, List.of(), null, start, false, noShow, null, null);
  }

  private static Booking booking(BookingStatus status) {
    return booking(status, null);
  }

  @Test
  void theTableIsTheLifecycleOfDocsApi() {
    assertRow(Transition.CONFIRM, EnumSet.of(PENDING), CONFIRMED, EnumSet.of(TEACHER), Transition.Window.ANY_TIME);
    assertRow(Transition.CANCEL, EnumSet.of(PENDING, CONFIRMED), CANCELLED, EnumSet.of(STUDENT, TEACHER), Transition.Window.ANY_TIME);
    assertRow(Transition.COMPLETE, EnumSet.of(CONFIRMED), COMPLETED, EnumSet.of(STUDENT, TEACHER), Transition.Window.STARTED);
    assertRow(Transition.STUDENT_ABSENT, EnumSet.of(CONFIRMED), COMPLETED, EnumSet.of(TEACHER), Transition.Window.NO_SHOW);
    assertRow(Transition.TEACHER_ABSENT, EnumSet.of(CONFIRMED), CANCELLED, EnumSet.of(STUDENT), Transition.Window.NO_SHOW);
    assertRow(Transition.MOVE, EnumSet.of(PENDING, CONFIRMED), null, EnumSet.of(STUDENT, TEACHER), Transition.Window.BEFORE_START);
  }

  private static void assertRow(Transition transition, Set<BookingStatus> from, BookingStatus to, Set<Transition.Party> by,
                                Transition.Window window) {
    assertEquals(from, transition.from(), transition + " from");
    assertEquals(to, transition.to(), transition + " to");
    assertEquals(by, transition.by(), transition + " by");
    assertEquals(window, transition.window(), transition + " when");
  }

  @Test
  void aPatchAsksForTheChangeToItsStatusAndAnAbsenceForTheOtherPartysReport() {
    assertEquals(Transition.CONFIRM, Transition.to(CONFIRMED));
    assertEquals(Transition.CANCEL, Transition.to(CANCELLED));
    assertEquals(Transition.COMPLETE, Transition.to(COMPLETED));
    assertThrows(IllegalArgumentException.class, () -> Transition.to(PENDING));
    assertEquals(Transition.STUDENT_ABSENT, Transition.noShowOf(Absent.STUDENT));
    assertEquals(Transition.TEACHER_ABSENT, Transition.noShowOf(Absent.TEACHER));
  }

  @Test
  void theNoShowWindowRunsFromTenMinutesAfterTheStartUntil48HoursAfterTheEndBothIncluded() {
    Booking confirmed = booking(CONFIRMED);
    Instant opens = START.plus(Duration.ofMinutes(10));
    Instant closes = END.plus(Duration.ofHours(48));
    assertEquals(Optional.of("a no-show can be reported from 10 minutes after the start"),
      Transition.STUDENT_ABSENT.wrongTime(confirmed, opens.minusMillis(1)));
    assertEquals(Optional.empty(), Transition.STUDENT_ABSENT.wrongTime(confirmed, opens));
    assertEquals(Optional.empty(), Transition.TEACHER_ABSENT.wrongTime(confirmed, closes));
    assertEquals(Optional.of("a no-show can be reported until 48 hours after the end"),
      Transition.TEACHER_ABSENT.wrongTime(confirmed, closes.plusMillis(1)));
  }

  @Test
  void completingOpensAtTheStartAndMovingClosesThere() {
    Booking confirmed = booking(CONFIRMED);
    assertEquals(Optional.of("a booking can be completed only once its start_time has passed"),
      Transition.COMPLETE.wrongTime(confirmed, START.minusMillis(1)));
    assertEquals(Optional.empty(), Transition.COMPLETE.wrongTime(confirmed, START));
    assertEquals(Optional.empty(), Transition.MOVE.wrongTime(confirmed, START.minusMillis(1)));
    assertEquals(Optional.of("the lesson has started; it can no longer be moved"), Transition.MOVE.wrongTime(confirmed, START));
    for (Instant any : List.of(START.minus(Duration.ofDays(400)), START, END.plus(Duration.ofDays(400)))) {
      assertEquals(Optional.empty(), Transition.CONFIRM.wrongTime(confirmed, any));
      assertEquals(Optional.empty(), Transition.CANCEL.wrongTime(confirmed, any));
    }
  }

  @Test
  void aStatusOutsideTheRowIsAConflictInTheChangesOwnWords() {
    assertConflict("a completed booking cannot become cancelled", Transition.CANCEL, booking(COMPLETED), END);
    assertConflict("a pending booking cannot become completed", Transition.COMPLETE, booking(PENDING), END);
    assertConflict("a confirmed booking cannot become confirmed", Transition.CONFIRM, booking(CONFIRMED), START);
    assertConflict("a cancelled booking cannot be moved", Transition.MOVE, booking(CANCELLED), START.minusSeconds(60));
    assertConflict("a no-show is reported only on a confirmed booking, not a pending one", Transition.STUDENT_ABSENT,
      booking(PENDING), END);
    assertConflict("a no-show was already reported for this booking", Transition.TEACHER_ABSENT,
      booking(COMPLETED, "student"), END);
    // The status is told before the time.
    assertConflict("a pending booking cannot become completed", Transition.COMPLETE, booking(PENDING), START.minusSeconds(60));
    assertConflict("a booking can be completed only once its start_time has passed", Transition.COMPLETE, booking(CONFIRMED),
      START.minusSeconds(60));
    assertConflict("a no-show can be reported until 48 hours after the end", Transition.STUDENT_ABSENT, booking(CONFIRMED),
      END.plus(Duration.ofDays(3)));
  }

  private static void assertConflict(String message, Transition transition, Booking booking, Instant now) {
    DomainException refused = transition.conflict(booking, now).orElseThrow();
    assertEquals(DomainException.Reason.CONFLICT, refused.reason());
    assertEquals(message, refused.getMessage());
  }

  @Test
  void onlyThePartiesOfARowMayMakeItAndAnAdminActsForEither() {
    Booking pending = booking(PENDING);
    assertEquals("only the teacher may set a booking to confirmed", forbidden(Transition.CONFIRM, pending, SAM));
    assertEquals("a no-show of the student is reported by the other party", forbidden(Transition.STUDENT_ABSENT, pending, SAM));
    assertEquals("a no-show of the teacher is reported by the other party", forbidden(Transition.TEACHER_ABSENT, pending, ALICE));
    assertEquals("only the student or the teacher may set a booking to cancelled", forbidden(Transition.CANCEL, pending, EVE));
    assertEquals("only the student or the teacher may move a booking", forbidden(Transition.MOVE, pending, EVE));
    for (Transition transition : Transition.values()) {
      assertTrue(transition.forbidden(pending, ADMIN).isEmpty(), transition + " by an admin");
      assertEquals(transition.by().contains(STUDENT), transition.forbidden(pending, SAM).isEmpty(), transition + " by the student");
      assertEquals(transition.by().contains(TEACHER), transition.forbidden(pending, ALICE).isEmpty(), transition + " by the teacher");
    }
  }

  private static String forbidden(Transition transition, Booking booking, Caller caller) {
    DomainException refused = transition.forbidden(booking, caller).orElseThrow();
    assertEquals(DomainException.Reason.FORBIDDEN, refused.reason());
    return refused.getMessage();
  }

  @Test
  void aRefusalNamesWhoBeforeTheStatus() {
    assertEquals(DomainException.Reason.FORBIDDEN,
      Transition.CONFIRM.refusal(booking(CANCELLED), SAM, START).orElseThrow().reason());
    assertEquals(Optional.empty(), Transition.CONFIRM.refusal(booking(PENDING), ALICE, START).map(DomainException::getMessage));
    assertEquals(Optional.of("a no-show can be reported from 10 minutes after the start"),
      Transition.TEACHER_ABSENT.refusal(booking(CONFIRMED), SAM, START).map(DomainException::getMessage));
  }

  @Test
  void theCompareAndSetTakesItsStatusesPartiesAndTimesFromTheRowAsParameters() {
    assertEquals("status = ANY (#{from}) AND (#{admin} OR teacher_id = #{caller})", Transition.CONFIRM.condition());
    assertEquals("status = ANY (#{from}) AND now() >= start_time + #{opens_after}::int * interval '1 second'"
      + " AND now() <= end_time + #{closes_after}::int * interval '1 second' AND (#{admin} OR student_id = #{caller})",
      Transition.TEACHER_ABSENT.condition());
    assertEquals("status = ANY (#{from}) AND now() < start_time + #{closes_after}::int * interval '1 second'",
      Transition.MOVE.stateCondition());

    Map<String, Object> noShow = Transition.STUDENT_ABSENT.params(ALICE);
    assertArrayEquals(new String[] {"confirmed"}, (String[]) noShow.get("from"));
    assertEquals(600, noShow.get("opens_after"));
    assertEquals(172_800, noShow.get("closes_after"));
    assertEquals("alice", noShow.get("caller"));
    assertEquals(false, noShow.get("admin"));
    assertArrayEquals(new String[] {"pending", "confirmed"}, (String[]) Transition.CANCEL.stateParams().get("from"));
    assertFalse(Transition.CANCEL.stateParams().containsKey("opens_after"));
    assertEquals(0, Transition.COMPLETE.stateParams().get("opens_after"));
    assertEquals(true, Transition.CONFIRM.params(ADMIN).get("admin"));
  }

  @Test
  void windowsAreToldInWholeHoursOrMinutes() {
    assertEquals("10 minutes after the start", Transition.Window.NO_SHOW.opens().words());
    assertEquals("48 hours after the end", Transition.Window.NO_SHOW.closes().words());
    assertEquals("1 hour after the end", new Transition.Bound(Transition.Anchor.END, Duration.ofHours(1), true).words());
    assertEquals("90 minutes after the start", new Transition.Bound(Transition.Anchor.START, Duration.ofMinutes(90), true).words());
    assertEquals("1 minute after the start", new Transition.Bound(Transition.Anchor.START, Duration.ofMinutes(1), true).words());
    assertEquals("0 minutes after the start", new Transition.Bound(Transition.Anchor.START, Duration.ZERO, true).words());
  }
}
