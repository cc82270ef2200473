package red.sessions.vyoma.calendars;

import net.fortuna.ical4j.data.CalendarOutputter;
import net.fortuna.ical4j.model.Calendar;
import net.fortuna.ical4j.model.Property;
import net.fortuna.ical4j.model.component.VEvent;
import net.fortuna.ical4j.model.parameter.PartStat;
import net.fortuna.ical4j.model.parameter.Role;
import net.fortuna.ical4j.model.parameter.Rsvp;
import net.fortuna.ical4j.model.property.Attendee;
import net.fortuna.ical4j.model.property.Description;
import net.fortuna.ical4j.model.property.DtEnd;
import net.fortuna.ical4j.model.property.DtStamp;
import net.fortuna.ical4j.model.property.DtStart;
import net.fortuna.ical4j.model.property.LastModified;
import net.fortuna.ical4j.model.property.Method;
import net.fortuna.ical4j.model.property.Organizer;
import net.fortuna.ical4j.model.property.ProdId;
import net.fortuna.ical4j.model.property.Sequence;
import net.fortuna.ical4j.model.property.Status;
import net.fortuna.ical4j.model.property.Summary;
import net.fortuna.ical4j.model.property.Uid;
import net.fortuna.ical4j.model.property.Url;
import net.fortuna.ical4j.model.property.XProperty;
import net.fortuna.ical4j.model.property.immutable.ImmutableCalScale;
import net.fortuna.ical4j.model.property.immutable.ImmutableMethod;
import net.fortuna.ical4j.model.property.immutable.ImmutableStatus;
import net.fortuna.ical4j.model.property.immutable.ImmutableVersion;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Lessons as iCalendar (RFC 5545), written by iCal4j: one {@code VEVENT} per booking in a {@code METHOD:PUBLISH}
 * calendar, the same for a booking's own {@code .ics} and for a feed, so a calendar app that has one from either
 * matches it with the other.
 * <ul>
 *   <li>{@code UID} {@code <booking id>@<uid host>}, for the booking's whole life (a move keeps its id);</li>
 *   <li>{@code SEQUENCE} the number of times its time or status changed, as bookings/ publishes it: an app keeps
 *   the copy with the highest;</li>
 *   <li>{@code DTSTART}/{@code DTEND} in UTC, to the second;</li>
 *   <li>{@code STATUS}: pending is {@code TENTATIVE}; confirmed and completed are {@code CONFIRMED} (a completed
 *   lesson took place, as it was confirmed: a student's no-show leaves it completed, so confirmed too); cancelled
 *   is {@code CANCELLED} (so is a teacher's no-show, which cancels it), which makes apps remove it;</li>
 *   <li>{@code DTSTAMP} and {@code LAST-MODIFIED} the last change, so the text of an unchanged lesson is the same
 *   on every read and a feed's tag changes only with its lessons;</li>
 *   <li>{@code SUMMARY} "Lesson with" the other party's name; {@code DESCRIPTION} and {@code URL} the lesson's
 *   page in the client app, when {@code calendars.join_url_template} names one. No email address and no
 *   attendees: a feed's address is a bearer secret that may end up shared, and names are all it needs.</li>
 * </ul>
 * A lesson is also written as an invitation to one party's mailbox ({@link #invitation}): the same event, with the
 * same {@code UID} and {@code SEQUENCE}, in a {@code METHOD:REQUEST} calendar, or {@code METHOD:CANCEL} once the
 * lesson is cancelled (RFC 5546), so a calendar app adds, moves or removes the copy it has from either; there, the
 * {@code ORGANIZER} is the address the server sends from and the one {@code ATTENDEE} the recipient, as iTIP asks,
 * since the message goes to that mailbox alone.
 * <p>
 * Writing takes the CPU for as long as the calendar is long: it runs in the domain's worker verticle, never on an
 * event loop.
 */
final class LessonCalendar {

  private static final String PRODUCT = "-//Vyoma 1:1//Lessons//EN";
  private static final Map<String, Status> STATUSES = Map.of(
    "pending", ImmutableStatus.VEVENT_TENTATIVE,
    "confirmed", ImmutableStatus.VEVENT_CONFIRMED,
    "completed", ImmutableStatus.VEVENT_CONFIRMED,
    "cancelled", ImmutableStatus.VEVENT_CANCELLED);
  private static final String BOOKING_ID = "{booking_id}";

  private final String uidHost;
  private final String joinUrlTemplate;

  /**
   * @param joinUrlTemplate the lesson's page, {@code {booking_id}} standing for the booking's id; empty for none
   */
  LessonCalendar(String uidHost, String joinUrlTemplate) {
    if (!joinUrlTemplate.isEmpty() && !isWebPage(joinUrlTemplate)) {
      throw new IllegalArgumentException("calendars.join_url_template must be an http(s) URL containing " + BOOKING_ID
        + ": " + joinUrlTemplate);
    }
    this.uidHost = uidHost;
    this.joinUrlTemplate = joinUrlTemplate;
  }

  /**
   * The lessons as one calendar, as {@code viewer} sees them (whose other party each names).
   *
   * @param name the calendar's name for apps that show one ({@code X-WR-CALNAME}), or empty for a lone event
   */
  CalendarDocument write(List<Lesson> lessons, String viewer, Optional<String> name) {
    return write(ImmutableMethod.PUBLISH, name, lessons.stream().map(lesson -> event(lesson, viewer)).toList());
  }

  /**
   * The lesson as the invitee's mail client reads an invitation: {@code REQUEST} while it is to take place (or took
   * place), {@code CANCEL} once cancelled. Written from the lesson as it is, so an invitation that arrives after a
   * later one carries a {@code SEQUENCE} no higher and changes nothing.
   */
  Invitation invitation(Lesson lesson, Invitee invitee) {
    Method method = "cancelled".equals(lesson.status()) ? ImmutableMethod.CANCEL : ImmutableMethod.REQUEST;
    VEvent event = event(lesson, invitee.userId());
    event.add(new Organizer(mailto(invitee.organizer())));
    event.add(new Attendee(mailto(invitee.email())).add(Role.REQ_PARTICIPANT).add(PartStat.ACCEPTED).add(Rsvp.FALSE));
    return new Invitation(method.getValue(), write(method, Optional.empty(), List.of(event)).text());
  }

  private static CalendarDocument write(Method method, Optional<String> name, List<VEvent> events) {
    Calendar calendar = new Calendar();
    List<Property> head = new ArrayList<>(List.of(new ProdId(PRODUCT), ImmutableVersion.VERSION_2_0,
      ImmutableCalScale.GREGORIAN, method));
    name.ifPresent(text -> head.add(new XProperty("X-WR-CALNAME", text)));
    calendar.addAll(head);
    events.forEach(calendar::add);
    StringWriter text = new StringWriter();
    try {
      // Not validating: a feed without lessons is a calendar without components, which RFC 5545 does not foresee
      // but every calendar app reads as an empty calendar; the events themselves are checked by the tests.
      new CalendarOutputter(false).output(calendar, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return CalendarDocument.of(text.toString());
  }

  private VEvent event(Lesson lesson, String viewer) {
    Instant changed = seconds(lesson.changedAt());
    VEvent event = new VEvent(false);
    List<Property> properties = new ArrayList<>(List.of(
      new Uid(lesson.bookingId() + "@" + uidHost),
      new DtStamp(changed),
      new LastModified(changed),
      new DtStart<>(seconds(lesson.start())),
      new DtEnd<>(seconds(lesson.end())),
      new Sequence(lesson.changes()),
      STATUSES.get(lesson.status()),
      new Summary("Lesson with " + lesson.withWhom(viewer))));
    if (!joinUrlTemplate.isEmpty()) {
      String page = joinUrlTemplate.replace(BOOKING_ID, lesson.bookingId().toString());
      properties.add(new Description("Join the lesson: " + page));
      properties.add(new Url(URI.create(page)));
    }
    event.addAll(properties);
    return event;
  }

  private static URI mailto(String address) {
    try {
      return new URI("mailto", address, null);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not an email address: " + address, e);
    }
  }

  private static boolean isWebPage(String template) {
    if (!template.contains(BOOKING_ID)) {
      return false;
    }
    try {
      URI page = new URI(template.replace(BOOKING_ID, new UUID(0, 0).toString()));
      return ("https".equals(page.getScheme()) || "http".equals(page.getScheme())) && page.getHost() != null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private static Instant seconds(OffsetDateTime time) {
    return time.toInstant().truncatedTo(ChronoUnit.SECONDS);
  }
}
