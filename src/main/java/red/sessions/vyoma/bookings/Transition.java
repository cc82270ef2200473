package red.sessions.vyoma.bookings;

import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.bus.DomainException;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static red.sessions.vyoma.bookings.BookingStatus.CANCELLED;
import static red.sessions.vyoma.bookings.BookingStatus.COMPLETED;
import static red.sessions.vyoma.bookings.BookingStatus.CONFIRMED;
import static red.sessions.vyoma.bookings.BookingStatus.PENDING;

/**
 * Every way a booking moves, in one table: from which statuses, to which, by which of its parties (admins act
 * for either) and when in the life of its lesson. Each change's compare-and-set is built from its row
 * ({@link #condition()}), so the database decides under any race; a refusal is explained from the same row
 * ({@link #forbidden}, {@link #conflict}), so the answer and the decision cannot drift apart.
 */
enum Transition {
  CONFIRM(EnumSet.of(PENDING), CONFIRMED, EnumSet.of(Party.TEACHER), Window.ANY_TIME),
  CANCEL(EnumSet.of(PENDING, CONFIRMED), CANCELLED, EnumSet.of(Party.STUDENT, Party.TEACHER), Window.ANY_TIME),
  COMPLETE(EnumSet.of(CONFIRMED), COMPLETED, EnumSet.of(Party.STUDENT, Party.TEACHER), Window.STARTED),
  /** The teacher reports the student absent: the lesson counts as held. */
  STUDENT_ABSENT(EnumSet.of(CONFIRMED), COMPLETED, EnumSet.of(Party.TEACHER), Window.NO_SHOW),
  /** The student reports the teacher absent: the lesson did not happen. */
  TEACHER_ABSENT(EnumSet.of(CONFIRMED), CANCELLED, EnumSet.of(Party.STUDENT), Window.NO_SHOW),
  /**
   * A new time for the lesson. Its status stays, except that a student's move of a confirmed booking asks the
   * teacher again (pending): the one row without a single {@code to}.
   */
  MOVE(EnumSet.of(PENDING, CONFIRMED), null, EnumSet.of(Party.STUDENT, Party.TEACHER), Window.BEFORE_START);

  /** A booking's party, by the column that names them. */
  enum Party {
    STUDENT("student_id"), TEACHER("teacher_id");

    private final String column;

    Party(String column) {
      this.column = column;
    }

    String userOf(Booking booking) {
      return this == STUDENT ? booking.studentId() : booking.teacherId();
    }

    String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Which end of its lesson a bound of a window is measured from. */
  enum Anchor {
    START("start_time", "the start"), END("end_time", "the end");

    private final String column;
    private final String words;

    Anchor(String column, String words) {
      this.column = column;
      this.words = words;
    }

    Instant of(Booking booking) {
      return (this == START ? booking.startTime() : booking.endTime()).toInstant();
    }
  }

  /** An instant of a lesson's life: its start or end, moved by an offset; {@code inclusive} when it belongs to the window. */
  record Bound(Anchor anchor, Duration offset, boolean inclusive) {

    Instant of(Booking booking) {
      return anchor.of(booking).plus(offset);
    }

    /** As an SQL expression, with its offset a parameter (whole seconds) of the given name. */
    String sql(String parameter) {
      return anchor.column + " + #{" + parameter + "}::int * interval '1 second'";
    }

    /** "10 minutes after the start". */
    String words() {
      long hours = offset.toHours();
      String amount = offset.toMinutesPart() == 0 && hours > 0 ? plural(hours, "hour") : plural(offset.toMinutes(), "minute");
      return amount + " after " + anchor.words;
    }

    private static String plural(long count, String unit) {
      return count + " " + unit + (count == 1 ? "" : "s");
    }
  }

  /**
   * When, as the clock has it, a transition may be made: from {@code opens} until {@code closes} (either may be
   * {@code null}, no bound). The one definition of each: the database gets its offsets as parameters.
   */
  record Window(Bound opens, Bound closes) {
    static final Window ANY_TIME = new Window(null, null);
    static final Window BEFORE_START = new Window(null, new Bound(Anchor.START, Duration.ZERO, false));
    static final Window STARTED = new Window(new Bound(Anchor.START, Duration.ZERO, true), null);
    /** A no-show is reported from 10 minutes after the start until 48 hours after the end. */
    static final Window NO_SHOW = new Window(new Bound(Anchor.START, Duration.ofMinutes(10), true),
      new Bound(Anchor.END, Duration.ofHours(48), true));

    boolean opened(Booking booking, Instant now) {
      if (opens == null) {
        return true;
      }
      Instant at = opens.of(booking);
      return opens.inclusive ? !now.isBefore(at) : now.isAfter(at);
    }

    boolean closed(Booking booking, Instant now) {
      if (closes == null) {
        return false;
      }
      Instant at = closes.of(booking);
      return closes.inclusive ? now.isAfter(at) : !now.isBefore(at);
    }

    String sql() {
      String opening = opens == null ? "" : " AND now() " + (opens.inclusive ? ">=" : ">") + " " + opens.sql("opens_after");
      String closing = closes == null ? "" : " AND now() " + (closes.inclusive ? "<=" : "<") + " " + closes.sql("closes_after");
      return opening + closing;
    }

    void params(Map<String, Object> params) {
      if (opens != null) {
        params.put("opens_after", Math.toIntExact(opens.offset.toSeconds()));
      }
      if (closes != null) {
        params.put("closes_after", Math.toIntExact(closes.offset.toSeconds()));
      }
    }
  }

  private final Set<BookingStatus> from;
  private final BookingStatus to;
  private final Set<Party> by;
  private final Window window;

  Transition(Set<BookingStatus> from, BookingStatus to, Set<Party> by, Window window) {
    this.from = from;
    this.to = to;
    this.by = by;
    this.window = window;
  }

  /** The change a {@code PATCH} to {@code status} asks for. */
  static Transition to(BookingStatus status) {
    return switch (status) {
      case CONFIRMED -> CONFIRM;
      case CANCELLED -> CANCEL;
      case COMPLETED -> COMPLETE;
      case PENDING -> throw new IllegalArgumentException("pending is only ever a booking's first status");
    };
  }

  static Transition noShowOf(Absent absent) {
    return absent == Absent.STUDENT ? STUDENT_ABSENT : TEACHER_ABSENT;
  }

  /** Where the booking ends up; {@code null} for {@link #MOVE}, which keeps it (or asks again). */
  BookingStatus to() {
    return to;
  }

  Set<BookingStatus> from() {
    return from;
  }

  Set<Party> by() {
    return by;
  }

  Window window() {
    return window;
  }

  /**
   * The compare-and-set's condition on the booking's row, as SQL: a status it may leave, a party allowed to
   * make it, and the time; its parameters come from {@link #params(Caller)}.
   */
  String condition() {
    return stateCondition() + " AND (#{admin} OR "
      + by.stream().map(party -> party.column + " = #{caller}").collect(Collectors.joining(" OR ")) + ")";
  }

  /** {@link #condition()} without who: for a caller whose party the session has already vouched for. */
  String stateCondition() {
    return "status = ANY (#{from})" + window.sql();
  }

  /** The parameters of {@link #condition()} for this caller. */
  Map<String, Object> params(Caller caller) {
    Map<String, Object> params = stateParams();
    params.put("admin", caller.admin());
    params.put("caller", caller.userId());
    return params;
  }

  /** The parameters of {@link #stateCondition()}. */
  Map<String, Object> stateParams() {
    Map<String, Object> params = new HashMap<>();
    params.put("from", from.stream().map(BookingStatus::wire).toArray(String[]::new));
    window.params(params);
    return params;
  }

  /** Why the caller may not make this change to the booking (403), if they may not. */
  Optional<DomainException> forbidden(Booking booking, Caller caller) {
    if (by.stream().anyMatch(party -> caller.actsFor(party.userOf(booking)))) {
      return Optional.empty();
    }
    String parties = by.stream().map(Party::wire).collect(Collectors.joining(" or the "));
    return Optional.of(DomainException.forbidden(switch (this) {
      case STUDENT_ABSENT, TEACHER_ABSENT -> "a no-show of the " + absentee() + " is reported by the other party";
      case MOVE -> "only the " + parties + " may move a booking";
      default -> "only the " + parties + " may set a booking to " + to.wire();
    }));
  }

  /** Why the booking, as it is at {@code now}, cannot make this change (409), if it cannot. */
  Optional<DomainException> conflict(Booking booking, Instant now) {
    return wrongStatus(booking).or(() -> wrongTime(booking, now)).map(DomainException::conflict);
  }

  /** Why not at all, in the order a caller would fix it: who, then the status, then the time. */
  Optional<DomainException> refusal(Booking booking, Caller caller, Instant now) {
    return forbidden(booking, caller).or(() -> conflict(booking, now));
  }

  /** Why the booking's status cannot make this change, if it cannot. */
  Optional<String> wrongStatus(Booking booking) {
    BookingStatus status = booking.status();
    if (isNoShow() && booking.noShow() != null) {
      return Optional.of("a no-show was already reported for this booking");
    }
    if (from.contains(status)) {
      return Optional.empty();
    }
    return Optional.of(switch (this) {
      case STUDENT_ABSENT, TEACHER_ABSENT -> "a no-show is reported only on a " + fromWords() + " booking, not a "
        + status.wire() + " one";
      case MOVE -> "a " + status.wire() + " booking cannot be moved";
      default -> "a " + status.wire() + " booking cannot become " + to.wire();
    });
  }

  /** Why not yet, or no longer; the window's own words where it has them. */
  Optional<String> wrongTime(Booking booking, Instant now) {
    if (!window.opened(booking, now)) {
      return Optional.of(isNoShow() ? "a no-show can be reported from " + window.opens().words() : "a booking " + opening());
    }
    if (window.closed(booking, now)) {
      return Optional.of(isNoShow() ? "a no-show can be reported until " + window.closes().words()
        : "the lesson has started; it can no longer be moved");
    }
    return Optional.empty();
  }

  /** When a status change's window opens, in words that follow "a booking" (only completing has one). */
  String opening() {
    return "can be " + to.wire() + " only once its start_time has passed";
  }

  private boolean isNoShow() {
    return this == STUDENT_ABSENT || this == TEACHER_ABSENT;
  }

  private String absentee() {
    return this == STUDENT_ABSENT ? Party.STUDENT.wire() : Party.TEACHER.wire();
  }

  /** The statuses a booking may leave by this change, in words: "pending or confirmed". */
  String fromWords() {
    return from.stream().map(BookingStatus::wire).collect(Collectors.joining(" or "));
  }
}
