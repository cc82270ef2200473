package red.sessions.vyoma.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.templates.SqlTemplate;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What the server's endpoints cost without the server around them: {@code GET /profiles} and
 * {@code POST /bookings} answered straight from vertx-web handlers ({@code GET /profiles} with ProfileStore's SQL,
 * {@code POST /bookings} with the seed's single insert), {@code POST /same-sql/bookings} with BookingStore's
 * statements sent as it sends them, and {@code GET /bare/profiles} with a profile's bare primary-key read, on the
 * same schema (the server's migrations make it), through the same client and pool settings. No authentication
 * (the caller is named by the {@code X-Bench-Caller} header), no event bus, no request validation, request ids or
 * access log: the floor the server's own layers are measured from. One route has the event bus:
 * {@code GET /worker/bare/profiles} is the same bare read made by a worker verticle the handler asks over it, the
 * server's fixed shape (HTTP verticle, event bus, a domain's worker verticle) around the floor and nothing else of
 * the server.
 *
 * <p>Environment: {@code REF_HTTP_PORT}, {@code REF_DB_URL} ({@code postgresql://…}), {@code REF_POOL_SIZE}
 * (16, as the server's {@code db.pool_size}); prepared statements cached per connection, as the server's
 * {@code Database} does; one HTTP verticle per event loop and one worker verticle per core, as the server's
 * {@code http.instances} and {@code domain.instances} by default.
 */
public final class Reference extends VerticleBase {

  // ProfileStore.FIND.
  private static final String FIND_PROFILE = """
    SELECT p.user_id, p.role, p.name, p.bio, p.topics, p.created_at, p.updated_at,
           CASE WHEN shown THEN p.email END AS email, CASE WHEN shown THEN p.time_zone END AS time_zone
    FROM profiles p, LATERAL (SELECT #{admin} OR p.user_id = #{caller}
             OR EXISTS (SELECT 1 FROM confirmed_pairs c WHERE c.teacher_id = p.user_id AND c.student_id = #{caller})
             OR EXISTS (SELECT 1 FROM confirmed_pairs c WHERE c.teacher_id = #{caller} AND c.student_id = p.user_id)
             AS shown) s
    WHERE p.user_id = #{user_id}""";

  // Where GET /worker/bare/profiles asks for its profile: a worker verticle, as the server's domains.
  private static final String BARE_PROFILES = "reference.bare-profiles";

  // The floor under any profile read: the row by its primary key, the email shown to its own user only.
  private static final String FIND_PROFILE_BARE = """
    SELECT user_id, role, name, bio, topics, created_at, updated_at, CASE WHEN user_id = #{caller} THEN email END AS email,
           CASE WHEN user_id = #{caller} THEN time_zone END AS time_zone
    FROM profiles WHERE user_id = #{user_id}""";

  // The seed's booking: one statement inserting the booking when one of the teacher's slots holds it; the
  // exclusion constraints of the bookings table refuse overlaps. (The server now also locks both parties and
  // judges the time by the teacher's schedule, slots and bookings first: the cost of its scheduling rules.)
  // The bench's teachers have no schedule, so a booking blocks the teacher until its end (no buffer) and is
  // free to cancel until its start.
  private static final String INSERT_BOOKING = """
    INSERT INTO bookings (student_id, teacher_id, slot_id, start_time, end_time, blocked_until, free_cancellation_until)
    SELECT #{student_id}, s.teacher_id, s.id, #{start_time}, #{end_time}, #{end_time}, #{start_time}
      FROM availability_slots s
      JOIN profiles t ON t.user_id = s.teacher_id AND t.role = 'teacher'
     WHERE s.teacher_id = #{teacher_id} AND s.start_time <= #{start_time} AND s.end_time >= #{end_time}
    RETURNING id""";

  // BookingStore.create's statements, in its two round trips: BEGIN, the parties' locks, the teacher's calendar
  // (TeacherCalendar: schedule, slots over the time, active bookings within the buffer of it) and the package a lesson
  // would come from (Ledger.choose, locked); then the insert, the ledger's entry with the package's event when a
  // lesson is used, the booking's event (Outbox.APPEND), and COMMIT.
  private static final String LOCK_PARTIES = """
    SELECT user_id, role, now() AS now FROM profile_roles WHERE user_id IN (#{student_id}, #{teacher_id})
     ORDER BY user_id
       FOR NO KEY UPDATE""";
  private static final String SCHEDULE = """
    SELECT time_zone, weekly, overrides, min_notice_minutes, buffer_minutes, slot_step_minutes, max_days_ahead,
      free_cancellation_hours, requires_package FROM teacher_schedules WHERE teacher_id = #{teacher_id}""";
  private static final String SLOTS = """
    SELECT id, start_time, end_time FROM availability_slots
     WHERE teacher_id = #{teacher_id} AND tstzrange(start_time, end_time) && tstzrange(#{from}, #{to})""";
  private static final String BOOKINGS = """
    WITH near AS (
      SELECT tstzrange(#{from}::timestamptz - reach, #{to}::timestamptz + reach) AS range
        FROM (SELECT coalesce(max(buffer_minutes), 0) * interval '1 minute' AS reach FROM teacher_schedules
               WHERE teacher_id = #{teacher_id}) AS buffer)
    SELECT id, start_time, end_time FROM active_bookings, near
     WHERE teacher_id = #{teacher_id} AND tstzrange(start_time, blocked_until) && near.range
       AND id IS DISTINCT FROM #{excluding}""";
  private static final String CHOOSE = """
    SELECT p.id, p.student_id, p.teacher_id, p.lessons, p.remaining, p.expires_at, p.created_at,
           COALESCE((SELECT jsonb_agg(jsonb_build_object('change', l.change, 'reason', l.reason,
                                                         'booking_id', l.booking_id, 'at', l.at) ORDER BY l.id)
                       FROM package_ledger l WHERE l.package_id = p.id), '[]'::jsonb) AS ledger
      FROM packages p
     WHERE p.student_id = #{student_id} AND p.teacher_id = #{teacher_id} AND p.remaining > 0
       AND (p.expires_at IS NULL OR p.expires_at > #{start_time})
       AND (#{package_id}::uuid IS NULL OR p.id = #{package_id})
     ORDER BY p.expires_at NULLS LAST, p.created_at, p.id
     LIMIT 1
       FOR NO KEY UPDATE OF p""";
  private static final String INSERT = """
    INSERT INTO bookings (id, student_id, teacher_id, slot_id, start_time, end_time, blocked_until, package_id,
                          free_cancellation_until, status, version, created_at, updated_at)
    VALUES (#{id}, #{student_id}, #{teacher_id}, #{slot_id}, #{start_time}, #{end_time}, #{blocked_until}, #{package_id},
            #{free_cancellation_until}, #{status}, #{version}, #{created_at}, #{updated_at})""";
  private static final String RECORD = """
    WITH entry AS (
      INSERT INTO package_ledger (package_id, change, reason, booking_id)
      VALUES (#{package_id}, #{change}, #{reason}, #{booking_id})
      RETURNING package_id, change)
    UPDATE packages p SET remaining = p.remaining + entry.change FROM entry WHERE p.id = entry.package_id""";
  private static final String APPEND = """
    WITH next AS (
      INSERT INTO event_subjects AS s (subject_id, last_sequence) VALUES (#{subject_id}, 1)
      ON CONFLICT (subject_id) DO UPDATE SET last_sequence = s.last_sequence + 1
      RETURNING last_sequence)
    INSERT INTO events (id, type, subject_id, subject, sequence, users, data)
    SELECT #{id}, #{type}, #{subject_id}, #{subject}, last_sequence, #{users}, #{data} FROM next
    RETURNING id""";

  private static final String EXCLUSION_VIOLATION = "23P01";
  private static final Duration SHORTEST = Duration.ofMinutes(15);
  private static final Duration LONGEST = Duration.ofHours(8);
  private static final DateTimeFormatter UTC_MILLIS =
    DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final Pool pool;
  private final int port;

  private Reference(Pool pool, int port) {
    this.pool = pool;
    this.port = port;
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(System.getenv("REF_HTTP_PORT"));
    int poolSize = Integer.parseInt(System.getenv().getOrDefault("REF_POOL_SIZE", "16"));
    Vertx vertx = Vertx.vertx();
    Pool pool = PgBuilder.pool()
      .with(new PoolOptions().setMaxSize(poolSize))
      .connectingTo(PgConnectOptions.fromUri(System.getenv("REF_DB_URL")).setCachePreparedStatements(true))
      .using(vertx)
      .build();
    // As the server: one worker verticle per core for the domain, one HTTP verticle per event loop.
    vertx.deployVerticle(() -> new BareProfiles(pool), new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)
        .setInstances(Runtime.getRuntime().availableProcessors()))
      .compose(workers -> vertx.deployVerticle(() -> new Reference(pool, port),
        new DeploymentOptions().setInstances(VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE)))
      .onSuccess(id -> System.out.println("reference listening on port " + port))
      .onFailure(e -> {
        e.printStackTrace();
        System.exit(1);
      });
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/health").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
    router.get("/profiles").handler(ctx -> profile(ctx, FIND_PROFILE));
    router.get("/bare/profiles").handler(ctx -> profile(ctx, FIND_PROFILE_BARE));
    router.get("/worker/bare/profiles").handler(this::profileByWorker);
    router.post("/bookings").handler(BodyHandler.create().setBodyLimit(65536)).handler(this::book);
    router.post("/same-sql/bookings").handler(BodyHandler.create().setBodyLimit(65536)).handler(this::bookAsTheServer);
    // Where run.sh's RULES webhook delivers to.
    router.post("/sink").handler(ctx -> ctx.response().setStatusCode(204).end());
    return vertx.createHttpServer().requestHandler(router).listen(port, "127.0.0.1");
  }

  private void profile(RoutingContext ctx, String sql) {
    Map<String, Object> asked = asked(ctx);
    if (asked != null) {
      SqlTemplate.forQuery(pool, sql).mapTo(Reference::profileJson).execute(asked)
        .onSuccess(rows -> answer(ctx, first(rows)))
        .onFailure(ctx::fail);
    }
  }

  private void profileByWorker(RoutingContext ctx) {
    Map<String, Object> asked = asked(ctx);
    if (asked != null) {
      vertx.eventBus().<JsonObject>request(BARE_PROFILES, new JsonObject(asked))
        .onSuccess(reply -> answer(ctx, reply.body()))
        .onFailure(ctx::fail);
    }
  }

  // The read's parameters from the request; null when one is missing, the request answered 400.
  private static Map<String, Object> asked(RoutingContext ctx) {
    String userId = ctx.queryParams().get("user_id");
    String caller = ctx.request().getHeader("X-Bench-Caller");
    if (userId == null || caller == null) {
      ctx.fail(400);
      return null;
    }
    return Map.of("user_id", userId, "caller", caller, "admin", false);
  }

  private static JsonObject first(RowSet<JsonObject> rows) {
    var found = rows.iterator();
    return found.hasNext() ? found.next() : null;
  }

  private static void answer(RoutingContext ctx, JsonObject profile) {
    if (profile != null) {
      ctx.json(new JsonObject().put("profile", profile));
    } else {
      ctx.fail(404);
    }
  }

  /** The bare read behind the event bus, on a worker thread, as a domain of the server answers. */
  private static final class BareProfiles extends VerticleBase {

    private final Pool pool;

    BareProfiles(Pool pool) {
      this.pool = pool;
    }

    @Override
    public Future<?> start() {
      return vertx.eventBus().<JsonObject>localConsumer(BARE_PROFILES, message ->
        SqlTemplate.forQuery(pool, FIND_PROFILE_BARE).mapTo(Reference::profileJson).execute(message.body().getMap())
          .onSuccess(rows -> message.reply(first(rows)))
          .onFailure(e -> message.fail(500, e.getMessage()))).completion();
    }
  }

  private void book(RoutingContext ctx) {
    Map<String, Object> booking = bookingOrFail(ctx);
    if (booking == null) {
      return;
    }
    SqlTemplate.forUpdate(pool, INSERT_BOOKING)
      .mapTo(row -> row.getUUID("id"))
      .execute(booking)
      .onSuccess(rows -> {
        var made = rows.iterator();
        if (made.hasNext()) {
          ctx.response().setStatusCode(201);
          ctx.json(new JsonObject().put("booking_id", made.next().toString()).put("message", "Booking created successfully"));
        } else {
          ctx.fail(409);
        }
      })
      .onFailure(e -> ctx.fail(e instanceof PgException pg && EXCLUSION_VIOLATION.equals(pg.getSqlState()) ? 409 : 500));
  }

  /**
   * {@code POST /bookings} with the server's statements, sent as it sends them. What it judges in between is the
   * least that keeps a booking sound: the time inside one of the slots read (or the teacher has a schedule, whose
   * weekly hours the bench makes round the clock), no active booking of the teacher in the way (with the buffer),
   * a lesson when the schedule requires one. The events carry what the server's would, field for field.
   */
  private void bookAsTheServer(RoutingContext ctx) {
    Map<String, Object> booking = bookingOrFail(ctx);
    if (booking == null) {
      return;
    }
    OffsetDateTime start = (OffsetDateTime) booking.get("start_time");
    OffsetDateTime end = (OffsetDateTime) booking.get("end_time");
    Map<String, Object> near = new HashMap<>();
    near.put("teacher_id", booking.get("teacher_id"));
    near.put("from", start);
    near.put("to", end);
    near.put("excluding", null);
    Map<String, Object> choose = new HashMap<>(booking);
    choose.put("package_id", null);
    pool.getConnection().compose(connection -> {
      Future<?> begun = connection.query("BEGIN").execute();
      Future<RowSet<Row>> parties = SqlTemplate.forQuery(connection, LOCK_PARTIES).execute(booking);
      Future<RowSet<Row>> schedule = SqlTemplate.forQuery(connection, SCHEDULE).execute(near);
      Future<RowSet<Row>> slots = SqlTemplate.forQuery(connection, SLOTS).execute(near);
      Future<RowSet<Row>> bookings = SqlTemplate.forQuery(connection, BOOKINGS).execute(near);
      Future<RowSet<Row>> lessons = SqlTemplate.forQuery(connection, CHOOSE).execute(choose);
      return Future.all(List.of(begun, parties, schedule, slots, bookings, lessons))
        .compose(read -> {
          Row rules = schedule.result().size() == 0 ? null : schedule.result().iterator().next();
          int buffer = rules == null ? 0 : rules.getInteger("buffer_minutes");
          UUID slot = null;
          for (Row row : slots.result()) {
            if (!row.getOffsetDateTime("start_time").isAfter(start) && !row.getOffsetDateTime("end_time").isBefore(end)) {
              slot = row.getUUID("id");
            }
          }
          boolean inTheWay = false;
          for (Row row : bookings.result()) {
            inTheWay |= row.getOffsetDateTime("start_time").isBefore(end.plusMinutes(buffer))
              && start.isBefore(row.getOffsetDateTime("end_time").plusMinutes(buffer));
          }
          boolean needsLesson = rules != null && rules.getBoolean("requires_package");
          if (parties.result().size() != 2 || (slot == null && rules == null) || inTheWay
            || (needsLesson && lessons.result().size() == 0)) {
            return connection.query("ROLLBACK").execute().map(v -> (UUID) null);
          }
          OffsetDateTime now = parties.result().iterator().next().getOffsetDateTime("now");
          Row lesson = needsLesson ? lessons.result().iterator().next() : null;
          return write(connection, booking, slot, end.plusMinutes(buffer), lesson, now);
        })
        .onComplete(done -> connection.close());
    }).onSuccess(id -> {
      if (id == null) {
        ctx.fail(409);
      } else {
        ctx.response().setStatusCode(201);
        ctx.json(new JsonObject().put("booking_id", id.toString()).put("message", "Booking created successfully"));
      }
    }).onFailure(e -> ctx.fail(e instanceof PgException pg && EXCLUSION_VIOLATION.equals(pg.getSqlState()) ? 409 : 500));
  }

  private static Future<UUID> write(SqlConnection connection, Map<String, Object> booking, UUID slot,
                                    OffsetDateTime blockedUntil, Row lesson, OffsetDateTime now) {
    UUID id = timeOrdered();
    OffsetDateTime start = (OffsetDateTime) booking.get("start_time");
    Map<String, Object> row = new HashMap<>(booking);
    row.put("id", id);
    row.put("slot_id", slot);
    row.put("blocked_until", blockedUntil);
    row.put("package_id", lesson == null ? null : lesson.getUUID("id"));
    row.put("free_cancellation_until", start);
    row.put("status", "pending");
    row.put("version", 1);
    row.put("created_at", now);
    row.put("updated_at", now);
    List<String> users = List.of((String) booking.get("student_id"), (String) booking.get("teacher_id"));
    Future<?> made = SqlTemplate.forUpdate(connection, INSERT).execute(row);
    Future<?> used = Future.succeededFuture();
    if (lesson != null) {
      Map<String, Object> entry = new HashMap<>();
      entry.put("package_id", lesson.getUUID("id"));
      entry.put("change", -1);
      entry.put("reason", "booked");
      entry.put("booking_id", id);
      JsonArray ledger = ((JsonArray) lesson.getJson("ledger")).copy()
        .add(new JsonObject().put("change", -1).put("reason", "booked").put("booking_id", id.toString()).put("at", UTC_MILLIS.format(now)));
      JsonObject after = new JsonObject()
        .put("package_id", lesson.getUUID("id").toString()).put("student_id", lesson.getString("student_id"))
        .put("teacher_id", lesson.getString("teacher_id")).put("lessons", lesson.getInteger("lessons"))
        .put("remaining", lesson.getInteger("remaining") - 1)
        .put("expires_at", lesson.getOffsetDateTime("expires_at") == null ? null : UTC_MILLIS.format(lesson.getOffsetDateTime("expires_at")))
        .put("created_at", UTC_MILLIS.format(lesson.getOffsetDateTime("created_at"))).put("ledger", ledger);
      used = Future.all(SqlTemplate.forUpdate(connection, RECORD).execute(entry),
        append(connection, "package.lesson_used", lesson.getUUID("id"),
          new JsonObject().put("package_id", lesson.getUUID("id").toString()).put("booking_id", id.toString()), users, after));
    }
    JsonObject data = new JsonObject()
      .put("booking_id", id.toString()).put("student_id", booking.get("student_id")).put("teacher_id", booking.get("teacher_id"))
      .put("start_time", UTC_MILLIS.format(start)).put("end_time", UTC_MILLIS.format((OffsetDateTime) booking.get("end_time")))
      .put("status", "pending").put("cancel_reason", null).put("created_at", UTC_MILLIS.format(now))
      .put("updated_at", UTC_MILLIS.format(now)).put("previous_times", new JsonArray())
      .put("package_id", lesson == null ? null : lesson.getUUID("id").toString())
      .put("free_cancellation_until", UTC_MILLIS.format(start)).put("late_cancellation", false).put("no_show", null)
      .put("series_id", null);
    Future<?> announced = append(connection, "booking.created", id, new JsonObject().put("booking_id", id.toString()), users, data);
    Future<?> committed = connection.query("COMMIT").execute();
    return Future.join(List.of(made, used, announced, committed)).transform(done -> done.succeeded()
      ? Future.succeededFuture(id)
      : Future.failedFuture(made.failed() ? made.cause() : done.cause()));
  }

  private static Future<?> append(SqlConnection connection, String type, UUID subjectId, JsonObject subject,
                                  List<String> users, JsonObject data) {
    Map<String, Object> event = new HashMap<>();
    event.put("id", timeOrdered());
    event.put("type", type);
    event.put("subject_id", subjectId);
    event.put("subject", subject);
    event.put("users", users.toArray(String[]::new));
    event.put("data", data);
    return SqlTemplate.forUpdate(connection, APPEND).execute(event);
  }

  // kernel/Ids.timeOrdered.
  private static UUID timeOrdered() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return new UUID(System.currentTimeMillis() << 16 | 0x7000L | random.nextLong() & 0x0FFFL,
      0x8000_0000_0000_0000L | random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL);
  }

  /** The booking the body asks for, or null when it is not one (the request then answered 400). */
  private static Map<String, Object> bookingOrFail(RoutingContext ctx) {
    try {
      return bookingParams(ctx.body().asJsonObject());
    } catch (RuntimeException invalid) {
      ctx.fail(400);
      return null;
    }
  }

  /** The checks NewBooking makes of a body: two different parties, 15 minutes to 8 hours, in the future. */
  private static Map<String, Object> bookingParams(JsonObject body) {
    String studentId = body.getString("student_id");
    String teacherId = body.getString("teacher_id");
    OffsetDateTime start = time(body.getString("start_time"));
    OffsetDateTime end = time(body.getString("end_time"));
    Duration length = Duration.between(start, end);
    if (studentId == null || teacherId == null || studentId.equals(teacherId)
      || length.compareTo(SHORTEST) < 0 || length.compareTo(LONGEST) > 0 || !start.toInstant().isAfter(Instant.now())) {
      throw new IllegalArgumentException("not a booking");
    }
    return Map.of("student_id", studentId, "teacher_id", teacherId, "start_time", start, "end_time", end);
  }

  private static OffsetDateTime time(String value) {
    if (value == null) {
      throw new IllegalArgumentException("no time");
    }
    try {
      return OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME).truncatedTo(ChronoUnit.MICROS);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(e);
    }
  }

  // ProfileRoutes.json: email and time zone only when the caller may see them.
  private static JsonObject profileJson(Row row) {
    JsonObject json = new JsonObject()
      .put("user_id", row.getString("user_id"))
      .put("role", row.getString("role"))
      .put("name", row.getString("name"));
    if (row.getString("email") != null) {
      json.put("email", row.getString("email"));
      json.put("time_zone", row.getString("time_zone"));
    }
    return json
      .put("bio", row.getString("bio"))
      .put("topics", new JsonArray(List.of(row.getArrayOfStrings("topics"))))
      .put("created_at", UTC_MILLIS.format(row.getOffsetDateTime("created_at")))
      .put("updated_at", UTC_MILLIS.format(row.getOffsetDateTime("updated_at")));
  }
}
