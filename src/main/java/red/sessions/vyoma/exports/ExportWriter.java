package red.sessions.vyoma.exports;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.bookings.Booking;
import red.sessions.vyoma.bookings.BookingJson;
import red.sessions.vyoma.bookings.BookingService;
import red.sessions.vyoma.bookings.Series;
import red.sessions.vyoma.bookings.SeriesJson;
import red.sessions.vyoma.bookings.SeriesService;
import red.sessions.vyoma.bus.LocalServices;
import red.sessions.vyoma.calendars.CalendarPart;
import red.sessions.vyoma.calendars.CalendarService;
import red.sessions.vyoma.events.EventCursor;
import red.sessions.vyoma.events.EventJson;
import red.sessions.vyoma.events.EventPage;
import red.sessions.vyoma.events.EventService;
import red.sessions.vyoma.files.FileService;
import red.sessions.vyoma.files.UploadedFile;
import red.sessions.vyoma.kernel.Times;
import red.sessions.vyoma.notifications.Notification;
import red.sessions.vyoma.notifications.NotificationJson;
import red.sessions.vyoma.notifications.NotificationService;
import red.sessions.vyoma.packages.Package;
import red.sessions.vyoma.packages.PackageJson;
import red.sessions.vyoma.packages.PackageService;
import red.sessions.vyoma.profiles.ProfileJson;
import red.sessions.vyoma.profiles.ProfileService;
import red.sessions.vyoma.reviews.Review;
import red.sessions.vyoma.reviews.ReviewJson;
import red.sessions.vyoma.reviews.ReviewService;
import red.sessions.vyoma.sessions.SessionJson;
import red.sessions.vyoma.sessions.SessionService;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * Writes one user's export, on a worker thread: everything is read a page at a time from its owner's service (as
 * the user, so each answers what the user may see, in the API's own shapes) and written to the ZIP as it comes,
 * uploaded files streamed from the store. Only the pages in flight are in memory, however long the history.
 */
final class ExportWriter {

  /** Rows asked of an owner at a time. */
  static final int PAGE = 200;

  private final ProfileService profiles;
  private final BookingService bookings;
  private final SeriesService series;
  private final PackageService packages;
  private final SessionService sessions;
  private final ReviewService reviews;
  private final EventService events;
  private final NotificationService notifications;
  private final CalendarService calendars;
  private final FileService files;

  ExportWriter(Vertx vertx, long requestTimeoutMs) {
    this.profiles = LocalServices.proxy(vertx, ProfileService.class, ProfileService.ADDRESS, requestTimeoutMs);
    this.bookings = LocalServices.proxy(vertx, BookingService.class, BookingService.ADDRESS, requestTimeoutMs);
    this.series = LocalServices.proxy(vertx, SeriesService.class, SeriesService.ADDRESS, requestTimeoutMs);
    this.packages = LocalServices.proxy(vertx, PackageService.class, PackageService.ADDRESS, requestTimeoutMs);
    this.sessions = LocalServices.proxy(vertx, SessionService.class, SessionService.ADDRESS, requestTimeoutMs);
    this.reviews = LocalServices.proxy(vertx, ReviewService.class, ReviewService.ADDRESS, requestTimeoutMs);
    this.events = LocalServices.proxy(vertx, EventService.class, EventService.ADDRESS, requestTimeoutMs);
    this.notifications = LocalServices.proxy(vertx, NotificationService.class, NotificationService.ADDRESS, requestTimeoutMs);
    this.calendars = LocalServices.proxy(vertx, CalendarService.class, CalendarService.ADDRESS, requestTimeoutMs);
    this.files = LocalServices.proxy(vertx, FileService.class, FileService.ADDRESS, requestTimeoutMs);
  }

  /** Writes the export of the user to the file. Blocks: for a worker thread, never an event loop. */
  void write(UUID exportId, String userId, Path zip) throws IOException {
    Caller user = new Caller(userId, false);
    try (ExportArchive archive = new ExportArchive(zip)) {
      archive.entry("profile.json", out -> json(out, ProfileJson.profile(await(profiles.find(user, userId)))));
      archive.entry("bookings.json", out -> {
        write(out, "{\"bookings\":");
        array(out, (after, limit) -> bookings.ofUser(userId, after, limit), Booking::bookingId, BookingJson::booking);
        write(out, ",\"series\":");
        array(out, (after, limit) -> series.ofUser(userId, after, limit), Series::seriesId, SeriesJson::series);
        write(out, ",\"packages\":");
        array(out, (after, limit) -> packages.ofUser(userId, after, limit), Package::packageId, PackageJson::lessonPackage);
        write(out, "}\n");
      });
      archive.entry("sessions.json", out -> array(out, (after, limit) -> sessions.idsOfUser(userId, after, limit),
        Function.identity(), id -> SessionJson.session(await(sessions.get(user, id)))));
      archive.entry("reviews.json", out ->
        array(out, (after, limit) -> reviews.ofUser(userId, after, limit), Review::bookingId, ReviewJson::review));
      archive.entry("events.json", out -> events(out, user));
      archive.entry("notifications.json", out -> array(out, (after, limit) -> notifications.ofUser(userId, after, limit),
        Notification::id, NotificationJson::notification));
      archive.entry("calendar.ics", out -> calendar(out, userId));
      uploads(archive, userId);
      archive.finish(new JsonObject()
        .put("export_id", exportId.toString())
        .put("user_id", userId)
        .put("created_at", Times.format(OffsetDateTime.now(ZoneOffset.UTC))));
    }
  }

  /** A page of an owner's rows after the one with this id (null: from the first). */
  private interface Pages<T> {
    Future<List<T>> after(UUID after, int limit);
  }

  /** A JSON array of every row the owner has for the user, page after page. */
  private static <T> void array(OutputStream out, Pages<T> pages, Function<T, UUID> idOf, Function<T, JsonObject> json)
    throws IOException {
    write(out, "[");
    UUID after = null;
    boolean first = true;
    List<T> page;
    do {
      page = await(pages.after(after, PAGE));
      for (T row : page) {
        write(out, first ? "\n" : ",\n");
        first = false;
        json(out, json.apply(row));
      }
      after = page.isEmpty() ? null : idOf.apply(page.get(page.size() - 1));
    } while (page.size() == PAGE);
    write(out, "\n]");
  }

  /** The events the user can read at {@code GET /events}, from the first, as that route answers them. */
  private void events(OutputStream out, Caller user) throws IOException {
    write(out, "[");
    EventCursor cursor = await(events.start(user, false, null, false));
    boolean first = true;
    EventPage page;
    do {
      page = await(events.read(user, false, cursor, PAGE));
      for (var event : page.events()) {
        write(out, first ? "\n" : ",\n");
        first = false;
        json(out, EventJson.envelope(event));
      }
      cursor = page.next();
    } while (page.more());
    write(out, "\n]\n");
  }

  private void calendar(OutputStream out, String userId) throws IOException {
    CalendarPart part = await(calendars.ofUser(userId, null, PAGE));
    write(out, part.opening());
    write(out, part.events());
    while (part.count() == PAGE) {
      part = await(calendars.ofUser(userId, part.last(), PAGE));
      write(out, part.events());
    }
    write(out, part.closing());
  }

  /**
   * Every file the user uploaded, as {@code files/<id>/<name>} (the id its key has in the store), its bytes streamed
   * from the store; a file issued for upload but never uploaded has none, and no entry.
   */
  private void uploads(ExportArchive archive, String userId) throws IOException {
    UploadedFile after = null;
    List<UploadedFile> page;
    do {
      page = await(files.uploadedBy(userId, after, PAGE));
      for (UploadedFile file : page) {
        Optional<InputStream> stored = await(files.open(file.key()));
        if (stored.isEmpty()) {
          continue;
        }
        try (InputStream in = stored.get()) {
          archive.entry(entryName(file.key()), in::transferTo);
        }
      }
      after = page.isEmpty() ? null : page.get(page.size() - 1);
    } while (page.size() == PAGE);
  }

  /** {@code uploads/<user>/<id>/<name>} is {@code files/<id>/<name>}: the user is the export's own. */
  static String entryName(String key) {
    String[] parts = key.split("/", 3);
    return "files/" + (parts.length == 3 ? parts[2] : key);
  }

  private static void json(OutputStream out, JsonObject json) throws IOException {
    out.write(json.toBuffer().getBytes());
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The service's answer, waited for on this worker thread (the answer itself arrives on an event loop). */
  private static <T> T await(Future<T> answer) {
    try {
      return answer.toCompletionStage().toCompletableFuture().join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException failure ? failure : e;
    }
  }
}
