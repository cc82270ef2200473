package red.sessions.vyoma.externalcalendars;

import net.fortuna.ical4j.data.CalendarBuilder;
import net.fortuna.ical4j.data.ParserException;
import net.fortuna.ical4j.model.Calendar;
import net.fortuna.ical4j.model.Component;
import net.fortuna.ical4j.model.Parameter;
import net.fortuna.ical4j.model.Period;
import net.fortuna.ical4j.model.Property;
import net.fortuna.ical4j.model.component.Observance;
import net.fortuna.ical4j.model.component.VEvent;
import net.fortuna.ical4j.model.component.VTimeZone;
import net.fortuna.ical4j.model.property.DateListProperty;
import net.fortuna.ical4j.model.property.DateProperty;
import net.fortuna.ical4j.model.property.RecurrenceId;
import net.fortuna.ical4j.model.property.Status;
import net.fortuna.ical4j.model.property.Transp;
import net.fortuna.ical4j.model.property.TzOffsetTo;

import java.io.IOException;
import java.io.InputStream;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The busy time an iCalendar file holds, as intervals of real time: iCal4j reads the file and expands each
 * event's recurrences (RRULE, RDATE, EXDATE) over the window; an instance that a {@code RECURRENCE-ID} override
 * moves or cancels is replaced by the override. Times with a {@code TZID} are read in the zone the file's own
 * {@code VTIMEZONE} defines (so Outlook's Windows names work), floating times in the file's
 * {@code X-WR-TIMEZONE} (Google's calendar zone) or else the teacher's zone, and all-day events from their first
 * day's midnight to their last day's end in the teacher's zone. Transparent ({@code TRANSP:TRANSPARENT}) and
 * cancelled events are not busy. Only the intervals leave here, merged where they touch or overlap.
 */
final class BusyTimes {

  /** One stretch of busy time. */
  record Busy(Instant start, Instant end) {
  }

  /** The file could not be read as iCalendar. */
  static final class NotICalendar extends Exception {
    NotICalendar(String message) {
      super(message);
    }
  }

  /** More busy intervals than one calendar may hold: a rule repeating every minute is no teacher's calendar. */
  static final int MAX_INTERVALS = 10_000;

  private BusyTimes() {
  }

  /** The busy intervals meeting {@code from}..{@code to}, in order and merged. Blocks: call it on a worker. */
  static List<Busy> read(InputStream ics, ZoneId teacherZone, Instant from, Instant to) throws NotICalendar {
    Calendar calendar;
    try {
      calendar = new CalendarBuilder().build(ics);
    } catch (ParserException e) {
      throw new NotICalendar("not iCalendar (line " + e.getLineNo() + ")");
    } catch (IOException | RuntimeException e) {
      throw new NotICalendar("not iCalendar");
    }
    ZoneId floating = calendar.getProperty("X-WR-TIMEZONE").map(Property::getValue).flatMap(BusyTimes::zone)
      .orElse(teacherZone);
    List<VEvent> events = calendar.getComponents(Component.VEVENT);
    Zones zones = new Zones(floating, teacherZone, namedZones(calendar, events));
    // The instances each series' overrides stand for, by UID: an override replaces its instance, moved or not.
    Map<String, Set<Instant>> overridden = new HashMap<>();
    for (VEvent event : events) {
      Optional<RecurrenceId<Temporal>> recurrenceId = event.getProperty(Property.RECURRENCE_ID);
      recurrenceId.ifPresent(id -> overridden.computeIfAbsent(uid(event), key -> new HashSet<>())
        .add(zones.instant(id.getDate())));
    }
    List<Busy> busy = new ArrayList<>();
    try {
      for (VEvent event : events) {
        if (!isBusy(event) || event.getStartDate().isEmpty()) {
          continue;
        }
        Set<Instant> skipped = new HashSet<>(exceptionDates(event, zones));
        if (event.getProperty(Property.RECURRENCE_ID).isEmpty()) {
          skipped.addAll(overridden.getOrDefault(uid(event), Set.of()));
        }
        for (Period<Temporal> instance : event.<Temporal>calculateRecurrenceSet(window(event, zones, from, to))) {
          Instant start = zones.instant(instance.getStart());
          Instant end = zones.instant(instance.getEnd());
          if (!skipped.contains(start) && start.isBefore(end) && start.isBefore(to) && end.isAfter(from)) {
            busy.add(new Busy(start, end));
            if (busy.size() > MAX_INTERVALS * 4) {
              throw new NotICalendar("too many events: more than " + MAX_INTERVALS + " busy intervals");
            }
          }
        }
      }
    } catch (RuntimeException e) {
      // The file is anyone's: whatever iCal4j trips over in it (a date it cannot place, a rule it cannot
      // expand) is the file's fault, told to the teacher, never a fetch that fails without a reason.
      throw new NotICalendar("not iCalendar: an event's dates or rules cannot be read");
    }
    List<Busy> merged = merge(busy);
    if (merged.size() > MAX_INTERVALS) {
      throw new NotICalendar("too many events: more than " + MAX_INTERVALS + " busy intervals");
    }
    return merged;
  }

  private static boolean isBusy(VEvent event) {
    boolean transparent = event.getProperty(Property.TRANSP).map(Property::getValue)
      .filter(Transp.VALUE_TRANSPARENT::equalsIgnoreCase).isPresent();
    boolean cancelled = event.getProperty(Property.STATUS).map(Property::getValue)
      .filter(Status.VALUE_CANCELLED::equalsIgnoreCase).isPresent();
    return !transparent && !cancelled;
  }

  private static String uid(VEvent event) {
    return event.getProperty(Property.UID).map(Property::getValue).orElse("");
  }

  /**
   * The instants of the event's EXDATEs. iCal4j drops an instance whose start equals an EXDATE as a value of the
   * same kind only, so an EXDATE in UTC would not drop an instance of a series in a named zone; comparing the
   * instants drops it whatever form either is written in.
   */
  private static List<Instant> exceptionDates(VEvent event, Zones zones) {
    List<Instant> instants = new ArrayList<>();
    for (Property exdate : event.getProperties(Property.EXDATE)) {
      for (Object date : ((DateListProperty<?>) exdate).getDates()) {
        instants.add(zones.instant((Temporal) date));
      }
    }
    return instants;
  }

  /**
   * The window as iCal4j expands a series over it: in the kind of value the series starts with (a date, a
   * floating time, a time in a zone or in UTC), widened by a day on each side so that no zone's offset cuts an
   * instance off; the instances are cut to the real window afterwards.
   */
  private static Period<Temporal> window(VEvent event, Zones zones, Instant from, Instant to) {
    Temporal start = event.getStartDate().orElseThrow().getDate();
    Instant wideFrom = from.minus(java.time.Duration.ofDays(1));
    Instant wideTo = to.plus(java.time.Duration.ofDays(1));
    if (start instanceof LocalDate) {
      return new Period<>(wideFrom.atZone(zones.allDay()).toLocalDate(), wideTo.atZone(zones.allDay()).toLocalDate());
    }
    if (start instanceof LocalDateTime) {
      return new Period<>(wideFrom.atZone(zones.floating()).toLocalDateTime(),
        wideTo.atZone(zones.floating()).toLocalDateTime());
    }
    if (start instanceof Instant) {
      return new Period<>(wideFrom, wideTo);
    }
    if (start instanceof java.time.OffsetDateTime) {
      return new Period<>(wideFrom.atOffset(ZoneOffset.UTC), wideTo.atOffset(ZoneOffset.UTC));
    }
    return new Period<>(wideFrom.atZone(ZoneOffset.UTC), wideTo.atZone(ZoneOffset.UTC));
  }

  private static List<Busy> merge(List<Busy> busy) {
    busy.sort(Comparator.comparing(Busy::start));
    List<Busy> merged = new ArrayList<>();
    for (Busy next : busy) {
      Busy last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
      if (last != null && !next.start().isAfter(last.end())) {
        if (next.end().isAfter(last.end())) {
          merged.set(merged.size() - 1, new Busy(last.start(), next.end()));
        }
      } else {
        merged.add(next);
      }
    }
    return merged;
  }

  private static Optional<ZoneId> zone(String id) {
    try {
      return Optional.of(ZoneId.of(id.trim()));
    } catch (DateTimeException unknown) {
      return Optional.empty();
    }
  }

  /**
   * The zones the file's times name, by the zone iCal4j gave their values: each {@code TZID} the events use, as
   * the JDK knows it when it is an IANA name, else as the file's own {@code VTIMEZONE} defines it.
   */
  private static Map<ZoneId, NamedZone> namedZones(Calendar calendar, List<VEvent> events) {
    Map<String, VTimeZone> definitions = new HashMap<>();
    for (VTimeZone definition : calendar.<VTimeZone>getComponents(Component.VTIMEZONE)) {
      definition.getProperty(Property.TZID).map(Property::getValue).ifPresent(tzid -> definitions.put(tzid, definition));
    }
    Map<ZoneId, NamedZone> zones = new HashMap<>();
    for (VEvent event : events) {
      for (Property property : event.getProperties()) {
        Optional<String> tzid = property.getParameter(Parameter.TZID).map(Parameter::getValue);
        if (tzid.isEmpty()) {
          continue;
        }
        List<?> values = property instanceof DateProperty<?> date ? List.of(date.getDate())
          : property instanceof DateListProperty<?> dates ? dates.getDates() : List.of();
        for (Object value : values) {
          if (value instanceof ZonedDateTime zoned) {
            zones.computeIfAbsent(zoned.getZone(), key -> new NamedZone(zone(tzid.get()).orElse(null),
              definitions.get(tzid.get())));
          }
        }
      }
    }
    return zones;
  }

  /**
   * A {@code TZID}: the JDK's zone of that name, or else the file's definition. iCal4j's own zone rules from a
   * {@code VTIMEZONE} misplace a change on the n-th weekday of a month for n above 1 (the US's second Sunday of
   * March becomes its first), so a time is placed by the JDK's zone, or by the file's observances as iCal4j
   * expands them ({@link VTimeZone#getApplicableObservance}), never by those rules.
   */
  private record NamedZone(ZoneId jdk, VTimeZone definition) {

    Instant instant(LocalDateTime local, Instant asIcal4jHadIt) {
      if (jdk != null) {
        return local.atZone(jdk).toInstant();
      }
      if (definition == null) {
        return asIcal4jHadIt;
      }
      // Of the offsets the zone takes, the one in force at the instant it makes of the local time; the larger
      // first, so a repeated local time is its earlier instant, as java.time makes it.
      List<ZoneOffset> offsets = definition.getObservances().stream().map(NamedZone::offsetTo).distinct()
        .sorted(Comparator.reverseOrder()).toList();
      for (ZoneOffset offset : offsets) {
        Instant candidate = local.toInstant(offset);
        Observance applicable = definition.getApplicableObservance(candidate.atOffset(ZoneOffset.UTC));
        if (applicable != null && offsetTo(applicable).equals(offset)) {
          return candidate;
        }
      }
      // A local time a change skips: read with the offset before the change, as java.time reads it.
      Observance before = definition.getApplicableObservance(local.toInstant(ZoneOffset.UTC).minus(java.time.Duration.ofDays(1))
        .atOffset(ZoneOffset.UTC));
      return before == null ? asIcal4jHadIt : local.toInstant(offsetTo(before));
    }

    private static ZoneOffset offsetTo(Observance observance) {
      return observance.<TzOffsetTo>getRequiredProperty(Property.TZOFFSETTO).getOffset();
    }
  }

  /** Where a value lies in real time: one without a zone of its own in the floating or all-day zone. */
  private record Zones(ZoneId floating, ZoneId allDay, Map<ZoneId, NamedZone> named) {

    Instant instant(Temporal value) {
      if (value instanceof LocalDate date) {
        return date.atStartOfDay(allDay).toInstant();
      }
      if (value instanceof LocalDateTime time) {
        return time.atZone(floating).toInstant();
      }
      if (value instanceof ZonedDateTime zoned && named.containsKey(zoned.getZone())) {
        return named.get(zoned.getZone()).instant(zoned.toLocalDateTime(), zoned.toInstant());
      }
      return Instant.from(value);
    }
  }
}
