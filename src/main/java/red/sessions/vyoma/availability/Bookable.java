package red.sessions.vyoma.availability;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What a teacher can be booked for: the one rule behind both the listing of bookable slots and the
 * acceptance of a booking (or a move), so that every listed slot books.
 * <p>
 * Availability is the union of the schedule's hours, read day by day in the teacher's time zone, and the
 * teacher's one-off slots. An interval is bookable when it lies wholly inside availability, starts at least
 * the minimum notice from now and no more than the booking window ahead, and keeps the buffer clear of every
 * active booking of the teacher, and of their busy time in external calendars, on both sides. An instant is in the teacher's hours when its local time is
 * within the hours of its local date: local times a DST change skips hold no instant (hours that begin in the
 * gap begin at the change), and local times it repeats hold two, both in the hours.
 *
 * @param slots    the teacher's one-off slots near the time asked about
 * @param bookings the teacher's active bookings near that time, without the one being moved
 * @param busy     the teacher's busy time in their external calendars near that time
 */
public record Bookable(Schedule schedule, List<Interval> slots, List<Interval> bookings, List<Interval> busy) {

  /** Real time from {@code start} up to {@code end}; {@code id} names the slot or booking it comes from. */
  public record Interval(UUID id, Instant start, Instant end) {
    boolean overlaps(Instant from, Instant to) {
      return start.isBefore(to) && from.isBefore(end);
    }
  }

  /** The refusal of a time that meets (or comes within the buffer of) busy time in an external calendar. */
  private static final String BUSY_ELSEWHERE = "the teacher is busy in an external calendar at that time";

  /**
   * How far around a range the teacher's availability is built, and their calendar read to list slots in it, so
   * that every stretch of availability reaching into the range is whole.
   */
  static final Duration MARGIN = Duration.ofDays(2);

  /** Why the interval cannot be booked now, or empty when it can. */
  public Optional<String> refusal(Instant start, Instant end, Instant now) {
    return refusal(start, end, now, availability(start, end));
  }

  /**
   * The bookable slots of {@code duration} starting from {@code from} (inclusive) to {@code to} (exclusive):
   * from the start of each stretch of availability, every {@code slot_step_minutes}, those the same rule
   * as {@link #refusal(Instant, Instant, Instant)} accepts.
   */
  public List<Interval> slots(Instant from, Instant to, Duration duration, Instant now) {
    List<Interval> availability = availability(from, to);
    Duration step = Duration.ofMinutes(schedule.rules().slotStepMinutes());
    List<Interval> bookable = new ArrayList<>();
    for (Interval stretch : availability) {
      for (Instant start = stretch.start(); !start.plus(duration).isAfter(stretch.end()) && start.isBefore(to);
           start = start.plus(step)) {
        Instant end = start.plus(duration);
        if (!start.isBefore(from) && refusal(start, end, now, availability).isEmpty()) {
          bookable.add(new Interval(null, start, end));
        }
      }
    }
    return bookable;
  }

  /** The one-off slot the booked time begins in, if any: a booking holds it against deletion. */
  public Optional<UUID> slotAt(Instant start, Instant end) {
    return slots.stream().filter(slot -> slot.overlaps(start, end)).min(Comparator.comparing(Interval::start))
      .map(Interval::id);
  }

  private Optional<String> refusal(Instant start, Instant end, Instant now, List<Interval> availability) {
    Schedule.Rules rules = schedule.rules();
    if (start.isBefore(now.plus(Duration.ofMinutes(rules.minNoticeMinutes())))) {
      return Optional.of("the lesson would start in less than the teacher's minimum notice of "
        + rules.minNoticeMinutes() + " minutes");
    }
    if (rules.maxDaysAhead() != null && start.isAfter(now.plus(Duration.ofDays(rules.maxDaysAhead())))) {
      return Optional.of("the lesson would start more than " + rules.maxDaysAhead()
        + " days ahead, beyond the teacher's booking window");
    }
    if (availability.stream().noneMatch(stretch -> !stretch.start().isAfter(start) && !stretch.end().isBefore(end))) {
      return Optional.of("the time is not inside the teacher's availability");
    }
    Duration buffer = Duration.ofMinutes(rules.bufferMinutes());
    for (Interval booking : bookings) {
      if (booking.overlaps(start, end)) {
        return Optional.of("the teacher already has a booking at that time");
      }
      if (booking.overlaps(start.minus(buffer), end.plus(buffer))) {
        return Optional.of("the time is within the teacher's buffer of " + rules.bufferMinutes()
          + " minutes around another booking");
      }
    }
    for (Interval busyTime : busy) {
      if (busyTime.overlaps(start.minus(buffer), end.plus(buffer))) {
        return Optional.of(BUSY_ELSEWHERE);
      }
    }
    return Optional.empty();
  }

  /**
   * The teacher's availability around {@code from}..{@code to} as disjoint stretches of real time in order,
   * touching and overlapping intervals merged (weekly hours until 24:00 run on into the next day's from 00:00).
   */
  List<Interval> availability(Instant from, Instant to) {
    ZoneId zone = schedule.timeZone();
    List<Interval> intervals = new ArrayList<>(slots);
    LocalDate last = to.plus(MARGIN).atZone(zone).toLocalDate();
    for (LocalDate date = from.minus(MARGIN).atZone(zone).toLocalDate(); !date.isAfter(last); date = date.plusDays(1)) {
      for (Schedule.Hours hours : schedule.hoursOn(date)) {
        intervals.addAll(instantsOf(date.atStartOfDay().plusMinutes(hours.start()),
          date.atStartOfDay().plusMinutes(hours.end()), zone));
      }
    }
    intervals.sort(Comparator.comparing(Interval::start));
    List<Interval> merged = new ArrayList<>();
    for (Interval next : intervals) {
      Interval previous = merged.isEmpty() ? null : merged.get(merged.size() - 1);
      if (previous != null && !next.start().isAfter(previous.end())) {
        if (next.end().isAfter(previous.end())) {
          merged.set(merged.size() - 1, new Interval(null, previous.start(), next.end()));
        }
      } else {
        merged.add(new Interval(null, next.start(), next.end()));
      }
    }
    return merged;
  }

  /**
   * The instants whose local time in the zone is from {@code start} up to {@code end}: for each stretch of one
   * offset between the zone's changes, the part of that local range it holds. Local times a change skips hold
   * no instant; local times it repeats hold two, so hours that begin inside a repeated hour have two pieces.
   */
  private static List<Interval> instantsOf(LocalDateTime start, LocalDateTime end, ZoneId zone) {
    ZoneRules rules = zone.getRules();
    Instant until = end.atZone(zone).toInstant().plus(Duration.ofDays(1));
    List<Interval> pieces = new ArrayList<>();
    for (Instant at = start.atZone(zone).toInstant().minus(Duration.ofDays(1)); at.isBefore(until); ) {
      ZoneOffset offset = rules.getOffset(at);
      ZoneOffsetTransition change = rules.nextTransition(at);
      Instant stretchEnd = change == null || change.getInstant().isAfter(until) ? until : change.getInstant();
      Instant from = latest(at, start.toInstant(offset));
      Instant to = earliest(stretchEnd, end.toInstant(offset));
      if (from.isBefore(to)) {
        pieces.add(new Interval(null, from, to));
      }
      at = stretchEnd;
    }
    return pieces;
  }

  private static Instant latest(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private static Instant earliest(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
