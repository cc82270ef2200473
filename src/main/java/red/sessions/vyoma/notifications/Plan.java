package red.sessions.vyoma.notifications;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import red.sessions.vyoma.events.Event;
import red.sessions.vyoma.events.EventType;
import red.sessions.vyoma.kernel.Ids;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * What a page of the outbox's events means for email, decided in one place: which notifications to queue and
 * which bookings' scheduled reminders to cancel. Bookings' and series' events notify:
 * <ul>
 *   <li>{@code booking.created} → the teacher ({@link Kind#BOOKING_REQUESTED}), for a booking made alone. An
 *       occurrence of a series is not requested on its own: its series' request lists it. One that a series already
 *       confirmed books confirmed (the series' later occurrences, as they come inside the booking window) is
 *       confirmed as {@code booking.confirmed} is;</li>
 *   <li>{@code series.created} → the teacher, one email listing the occurrences booked and those skipped
 *       ({@link Kind#SERIES_REQUESTED});</li>
 *   <li>{@code series.occurrence_skipped} → both parties ({@link Kind#SERIES_OCCURRENCE_SKIPPED}): a lesson they
 *       expected will not take place;</li>
 *   <li>{@code booking.confirmed} → the student ({@link Kind#BOOKING_CONFIRMED}), and each party's reminders;</li>
 *   <li>{@code booking.rescheduled} → each party but the one who moved it ({@link Kind#BOOKING_RESCHEDULED}); the
 *       lesson's scheduled reminders are replaced by new ones when it is still confirmed (a student's move asks
 *       the teacher to confirm again: the new ones come with that confirmation);</li>
 *   <li>{@code booking.cancelled} → each party but the one who cancelled it ({@code cancelled_by}; both, when an
 *       admin did: {@link Kind#BOOKING_CANCELLED}), its reminders cancelled;</li>
 *   <li>{@code booking.no_show}, {@code booking.completed} → its reminders cancelled.</li>
 * </ul>
 * A reminder is due its offset before the lesson; one whose time had passed when the event happened (the
 * lesson confirmed or moved too close to its start) is queued {@code skipped} with the reason, never sent late.
 * Reminders replaced within the same page are queued {@code cancelled}, so the record shows them too.
 */
final class Plan {

  private static final Logger LOG = LoggerFactory.getLogger(Plan.class);

  /**
   * A notification to queue, with its state at queueing ({@code scheduled}, or already skipped or cancelled): about
   * a booking, or about a series as a whole ({@code bookingId} null).
   */
  record Queued(UUID id, UUID eventId, UUID bookingId, UUID seriesId, String recipient, Kind kind, int minutesBefore,
                OffsetDateTime lessonStart, OffsetDateTime dueAt, String status, String reason) {

    Queued cancelled(String why) {
      return "scheduled".equals(status) ? new Queued(id, eventId, bookingId, seriesId, recipient, kind, minutesBefore,
        lessonStart, dueAt, "cancelled", why) : this;
    }
  }

  /** The bookings whose scheduled reminders (queued by earlier pages) are cancelled, each with why. */
  private final Map<UUID, String> cancelled = new LinkedHashMap<>();
  private final List<Queued> queued = new ArrayList<>();

  private Plan() {
  }

  /** The users whose reminder offsets a page needs: both parties of each confirmation and move. */
  static Set<String> remindedUsers(List<Event> events) {
    Set<String> users = new HashSet<>();
    for (Event event : events) {
      if (event.type().equals(EventType.BOOKING_CONFIRMED.wire()) || event.type().equals(EventType.BOOKING_RESCHEDULED.wire())
        || isConfirmedOccurrence(event)) {
        Stream.of(event.data().getString("student_id"), event.data().getString("teacher_id"))
          .filter(Objects::nonNull).forEach(users::add);
      }
    }
    return users;
  }

  /**
   * @param preferences each user's preferences, by user id (those who set none are absent)
   */
  static Plan of(List<Event> events, Function<String, Optional<Preferences>> preferences) {
    Plan plan = new Plan();
    for (Event event : events) {
      int before = plan.queued.size();
      try {
        plan.add(event, preferences);
      } catch (RuntimeException unreadable) {
        // An event not as this server writes its kind (a row written by hand, by another release) must not hold back
        // every later email, as a failed page would, page after page: its own emails are left out, and said so.
        plan.queued.subList(before, plan.queued.size()).clear();
        LOG.warn("Event {} ({}) could not be read for email; no email is sent for it: {}", event.id(), event.type(),
          unreadable.toString());
      }
    }
    return plan;
  }

  List<Queued> queued() {
    return queued;
  }

  Map<UUID, String> cancelledReminders() {
    return cancelled;
  }

  private void add(Event event, Function<String, Optional<Preferences>> preferences) {
    Optional<EventType> type = EventType.fromWire(event.type());
    if (type.isEmpty()) {
      return;
    }
    JsonObject data = event.data();
    String student = data.getString("student_id");
    String teacher = data.getString("teacher_id");
    switch (type.get()) {
      case BOOKING_CREATED -> {
        if (isConfirmedOccurrence(event)) {
          confirmed(event, student, teacher, preferences);
        } else if (data.getString("series_id") == null) {
          email(event, teacher, Kind.BOOKING_REQUESTED);
        }
      }
      case BOOKING_CONFIRMED -> confirmed(event, student, teacher, preferences);
      case BOOKING_RESCHEDULED -> {
        emailOthers(event, List.of(student, teacher), mover(data), Kind.BOOKING_RESCHEDULED);
        cancelReminders(event, "the lesson was moved");
        if ("confirmed".equals(data.getString("status"))) {
          remind(event, List.of(student, teacher), preferences, "moved");
        }
      }
      case BOOKING_CANCELLED -> {
        emailOthers(event, List.of(student, teacher), data.getString("cancelled_by"), Kind.BOOKING_CANCELLED);
        cancelReminders(event, "the lesson was cancelled");
      }
      case BOOKING_NO_SHOW -> cancelReminders(event, "a party was reported absent");
      case BOOKING_COMPLETED -> cancelReminders(event, "the lesson was completed");
      case SERIES_CREATED -> queued.add(aboutSeries(event, teacher, Kind.SERIES_REQUESTED, start(event)));
      case SERIES_OCCURRENCE_SKIPPED -> {
        OffsetDateTime skipped = OffsetDateTime.parse(skippedOccurrence(data).getString("start_time"));
        queued.add(aboutSeries(event, student, Kind.SERIES_OCCURRENCE_SKIPPED, skipped));
        queued.add(aboutSeries(event, teacher, Kind.SERIES_OCCURRENCE_SKIPPED, skipped));
      }
      default -> {
      }
    }
  }

  /** A confirmed lesson: the student's invitation, and each party's reminders. */
  private void confirmed(Event event, String student, String teacher, Function<String, Optional<Preferences>> preferences) {
    email(event, student, Kind.BOOKING_CONFIRMED);
    remind(event, List.of(student, teacher), preferences, "confirmed");
  }

  /** An occurrence a confirmed series booked: it is confirmed from the start, its teacher having agreed to the series. */
  private static boolean isConfirmedOccurrence(Event event) {
    return event.type().equals(EventType.BOOKING_CREATED.wire()) && "confirmed".equals(event.data().getString("status"));
  }

  /** The occurrence a {@code series.occurrence_skipped} event is about, from the series' list. */
  static JsonObject skippedOccurrence(JsonObject series) {
    int number = series.getInteger("occurrence");
    return series.getJsonArray("occurrences").stream().map(JsonObject.class::cast)
      .filter(occurrence -> occurrence.getInteger("occurrence") == number).findFirst()
      .orElseThrow(() -> new IllegalArgumentException("the series has no occurrence " + number));
  }

  private static Queued aboutSeries(Event event, String recipient, Kind kind, OffsetDateTime lessonStart) {
    return new Queued(Ids.timeOrdered(), event.id(), null, UUID.fromString(event.data().getString("series_id")), recipient,
      kind, 0, lessonStart, event.createdAt(), "scheduled", null);
  }

  /** Who made the booking's latest move: the last entry of its previous times. */
  private static String mover(JsonObject booking) {
    JsonArray moves = booking.getJsonArray("previous_times", new JsonArray());
    return moves.isEmpty() ? null : moves.getJsonObject(moves.size() - 1).getString("changed_by");
  }

  /** Emails the parties but the one who made the change: both when an admin made it. */
  private void emailOthers(Event event, List<String> parties, String author, Kind kind) {
    parties.stream().filter(party -> !party.equals(author)).forEach(party -> email(event, party, kind));
  }

  private void email(Event event, String recipient, Kind kind) {
    queued.add(new Queued(Ids.timeOrdered(), event.id(), bookingId(event), seriesId(event), recipient, kind, 0,
      start(event), event.createdAt(), "scheduled", null));
  }

  private void remind(Event event, List<String> parties, Function<String, Optional<Preferences>> preferences,
                      String happened) {
    OffsetDateTime start = start(event);
    for (String party : parties) {
      for (int minutes : preferences.apply(party).orElse(Preferences.DEFAULT).remindersMinutesBefore()) {
        OffsetDateTime due = start.minusMinutes(minutes);
        boolean passed = !due.isAfter(event.createdAt());
        queued.add(new Queued(Ids.timeOrdered(), event.id(), bookingId(event), seriesId(event), party, Kind.REMINDER,
          minutes, start, due,
          passed ? "skipped" : "scheduled",
          passed ? "the lesson was " + happened + " less than " + minutes + " minutes before its start" : null));
      }
    }
  }

  private void cancelReminders(Event event, String why) {
    UUID booking = bookingId(event);
    cancelled.put(booking, why);
    queued.replaceAll(planned -> planned.kind() == Kind.REMINDER && planned.bookingId().equals(booking)
      ? planned.cancelled(why) : planned);
  }

  private static UUID bookingId(Event event) {
    return UUID.fromString(event.data().getString("booking_id"));
  }

  /** The series a booking is an occurrence of, or null. */
  private static UUID seriesId(Event event) {
    String series = event.data().getString("series_id");
    return series == null ? null : UUID.fromString(series);
  }

  private static OffsetDateTime start(Event event) {
    return OffsetDateTime.parse(event.data().getString("start_time"));
  }
}
