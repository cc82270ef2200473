package red.sessions.vyoma.availability;

import org.junit.jupiter.api.Test;
import red.sessions.vyoma.kernel.TimeZones;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Properties of the one rule over real time-zone data: random schedules in every zone that changes its offset,
 * listed over the month around the zone's next change from a fixed "now". Seeded, so a failure repeats.
 */
class BookableTest {

  // The zones a client may name (the JVM's list also has iCal4j's own, which have no rules of their own).
  private static final List<ZoneId> ZONES_WITH_CHANGES = TimeZones.NAMES.stream().sorted().map(ZoneId::of)
    .filter(zone -> zone.getRules().nextTransition(Instant.parse("2026-01-01T00:00:00Z")) != null).toList();

  record Case(Bookable bookable, Instant from, Instant to, Duration duration, Instant now) {
  }

  static Case randomCase(Random random) {
    ZoneId zone = ZONES_WITH_CHANGES.get(random.nextInt(ZONES_WITH_CHANGES.size()));
    Instant now = Instant.parse("2026-12-02T08:00:00Z").plus(Duration.ofMinutes(random.nextInt(60 * 24 * 200)));
    Instant change = zone.getRules().nextTransition(now).getInstant();
    Instant from = change.minus(Duration.ofDays(random.nextInt(10))).truncatedTo(ChronoUnit.HOURS);
    Instant to = from.plus(Duration.ofDays(1 + random.nextInt(20)));

    Map<DayOfWeek, List<Schedule.Hours>> weekly = new EnumMap<>(DayOfWeek.class);
    for (DayOfWeek day : DayOfWeek.values()) {
      weekly.put(day, randomHours(random));
    }
    Map<LocalDate, List<Schedule.Hours>> overrides = new TreeMap<>();
    LocalDate changeDay = change.atZone(zone).toLocalDate();
    overrides.put(changeDay.plusDays(random.nextInt(3) - 1), randomHours(random));
    Schedule.Rules rules = new Schedule.Rules(random.nextInt(3) * 60, random.nextInt(4) * 10, 5 * (1 + random.nextInt(12)),
      1 + random.nextInt(400), 0, false);
    Schedule schedule = new Schedule(zone, weekly, overrides, rules);

    List<Bookable.Interval> slots = new ArrayList<>();
    List<Bookable.Interval> bookings = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Instant start = from.plus(Duration.ofMinutes(15L * random.nextInt(4 * 24 * 20)));
      slots.add(new Bookable.Interval(UUID.randomUUID(), start, start.plus(Duration.ofMinutes(15L * (1 + random.nextInt(16))))));
      Instant booked = from.plus(Duration.ofMinutes(5L * random.nextInt(12 * 24 * 20)));
      bookings.add(new Bookable.Interval(UUID.randomUUID(), booked, booked.plus(Duration.ofMinutes(15L * (1 + random.nextInt(8))))));
    }
    return new Case(new Bookable(schedule, slots, bookings, List.of()), from, to,
      Duration.ofMinutes(15L * (1 + random.nextInt(8))), now);
  }

  /** Zero to three intervals of a day, in order, not overlapping, some running to 24:00. */
  static List<Schedule.Hours> randomHours(Random random) {
    List<Schedule.Hours> hours = new ArrayList<>();
    int at = random.nextInt(6 * 60);
    for (int i = random.nextInt(4); i > 0 && at < 24 * 60 - 15; i--) {
      int end = Math.min(24 * 60, at + 15 + random.nextInt(8 * 60));
      hours.add(new Schedule.Hours(at, end));
      at = end + random.nextInt(3 * 60);
    }
    return hours;
  }

  /** Whether the instant is in the teacher's hours of its own local date, or in a one-off slot. */
  static boolean available(Bookable bookable, Instant instant) {
    ZonedDateTime local = instant.atZone(bookable.schedule().timeZone());
    int minute = local.getHour() * 60 + local.getMinute();
    return bookable.schedule().hoursOn(local.toLocalDate()).stream().anyMatch(h -> h.start() <= minute && minute < h.end())
      || bookable.slots().stream().anyMatch(slot -> !slot.start().isAfter(instant) && slot.end().isAfter(instant));
  }

  @Test
  void everyListedSlotIsAcceptedByTheSameRuleWhateverWindowItIsJudgedIn() {
    Random random = new Random(20261202);
    int listed = 0;
    for (int i = 0; i < 300; i++) {
      Case c = randomCase(random);
      for (Bookable.Interval slot : c.bookable().slots(c.from(), c.to(), c.duration(), c.now())) {
        listed++;
        assertEquals(Optional.empty(), c.bookable().refusal(slot.start(), slot.end(), c.now()), slot::toString);
      }
    }
    int total = listed;
    assertTrue(total > 1000, () -> "only " + total + " slots listed");
  }

  @Test
  void everyMinuteOfAListedSlotIsInsideTheTeachersLocalHoursAndClearOfTheBuffer() {
    Random random = new Random(7);
    for (int i = 0; i < 150; i++) {
      Case c = randomCase(random);
      Duration buffer = Duration.ofMinutes(c.bookable().schedule().rules().bufferMinutes());
      for (Bookable.Interval slot : c.bookable().slots(c.from(), c.to(), c.duration(), c.now())) {
        assertFalse(slot.start().isBefore(c.from()));
        assertTrue(slot.start().isBefore(c.to()));
        assertEquals(c.duration(), Duration.between(slot.start(), slot.end()));
        // Every 5 minutes (the hours, steps and offsets are whole minutes; 5 catches a 30-minute change) and the last.
        for (Instant minute = slot.start(); minute.isBefore(slot.end()); minute = minute.plus(Duration.ofMinutes(5))) {
          assertTrue(available(c.bookable(), minute), minute + " of " + slot + " in " + c.bookable().schedule());
        }
        Instant last = slot.end().minus(Duration.ofMinutes(1));
        assertTrue(available(c.bookable(), last), last + " of " + slot + " in " + c.bookable().schedule());
        for (Bookable.Interval booking : c.bookable().bookings()) {
          assertTrue(!slot.end().plus(buffer).isAfter(booking.start()) || !booking.end().plus(buffer).isAfter(slot.start()),
            slot + " near " + booking);
        }
      }
    }
  }

  @Test
  void theRefusalNamesTheRuleBroken() {
    ZoneId zone = ZoneId.of("Europe/Berlin");
    Map<DayOfWeek, List<Schedule.Hours>> weekly = new EnumMap<>(DayOfWeek.class);
    for (DayOfWeek day : DayOfWeek.values()) {
      weekly.put(day, List.of(new Schedule.Hours(9 * 60, 17 * 60)));
    }
    Instant now = Instant.parse("2027-06-01T06:00:00Z");
    Instant booked = Instant.parse("2027-06-03T10:00:00Z");
    Bookable bookable = new Bookable(new Schedule(zone, weekly, Map.of(), new Schedule.Rules(60, 15, 30, 30, 0, false)), List.of(),
      List.of(new Bookable.Interval(UUID.randomUUID(), booked, booked.plus(Duration.ofHours(1)))), List.of());

    assertTrue(bookable.refusal(now.plus(Duration.ofMinutes(30)), now.plus(Duration.ofMinutes(90)), now).orElseThrow()
      .contains("minimum notice of 60 minutes"));
    Instant far = now.plus(Duration.ofDays(31));
    assertTrue(bookable.refusal(far, far.plus(Duration.ofHours(1)), now).orElseThrow().contains("30 days ahead"));
    Instant evening = Instant.parse("2027-06-02T15:30:00Z");
    assertTrue(bookable.refusal(evening, evening.plus(Duration.ofHours(1)), now).orElseThrow().contains("availability"));
    assertTrue(bookable.refusal(booked.plus(Duration.ofMinutes(30)), booked.plus(Duration.ofMinutes(90)), now).orElseThrow()
      .contains("already has a booking"));
    Instant close = booked.plus(Duration.ofMinutes(70));
    assertTrue(bookable.refusal(close, close.plus(Duration.ofHours(1)), now).orElseThrow().contains("buffer of 15 minutes"));
    Instant clear = booked.plus(Duration.ofMinutes(75));
    assertEquals(Optional.empty(), bookable.refusal(clear, clear.plus(Duration.ofHours(1)), now));
  }
}
