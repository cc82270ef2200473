package red.sessions.vyoma.bookings;

import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.packages.Ledger;

import java.util.Locale;

/**
 * Who did not show up to a lesson. An absent student's lesson is held (the booking completes and its lesson
 * stays used); an absent teacher's is not (the booking is cancelled and its lesson comes back).
 */
public enum Absent {
  STUDENT(false, Ledger.Reason.STUDENT_NO_SHOW),
  TEACHER(true, Ledger.Reason.TEACHER_NO_SHOW);

  private final boolean lessonReturned;
  private final Ledger.Reason ledgerReason;

  Absent(boolean lessonReturned, Ledger.Reason ledgerReason) {
    this.lessonReturned = lessonReturned;
    this.ledgerReason = ledgerReason;
  }

  /** The party a name ({@code student}, {@code teacher}) stands for; invalid for any other. */
  public static Absent named(String name) {
    for (Absent party : values()) {
      if (party.wire().equals(name)) {
        return party;
      }
    }
    throw DomainException.invalid("absent must be student or teacher");
  }

  String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  boolean lessonReturned() {
    return lessonReturned;
  }

  Ledger.Reason ledgerReason() {
    return ledgerReason;
  }
}
