package red.sessions.vyoma.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
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
import io.vertx.sqlclient.templates.SqlTemplate;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * What the server's endpoints cost without the server around them: {@code GET /profiles} and
 * {@code POST /bookings} answered straight from vertx-web handlers with the same SQL as ProfileStore and
 * BookingStore, and {@code GET /bare/profiles} with a profile's bare primary-key read, on the same schema
 * (the server's migrations make it), through the same client and pool settings. No authentication (the
 * caller is named by the {@code X-Bench-Caller} header), no event bus, no request validation, request ids or
 * access log: the floor the server's own layers are measured from.
 *
 * <p>Environment: {@code REF_HTTP_PORT}, {@code REF_DB_URL} ({@code postgresql://…}), {@code REF_POOL_SIZE}
 * (16, as the server's {@code db.pool_size}); prepared statements cached per connection, as the server's
 * {@code Database} does; one HTTP verticle per core, as the server's {@code http.instances}.
 */
public final class Reference extends VerticleBase {

  // ProfileStore.FIND.
  private static final String FIND_PROFILE = """
    SELECT p.user_id, p.role, p.name, p.bio, p.topics, p.created_at, p.updated_at,
           CASE WHEN #{admin} OR p.user_id = #{caller}
             OR EXISTS (SELECT 1 FROM bookings b
                         WHERE b.teacher_id = p.user_id AND b.student_id = #{caller} AND b.confirmed_at IS NOT NULL)
             OR EXISTS (SELECT 1 FROM bookings b
                         WHERE b.teacher_id = #{caller} AND b.student_id = p.user_id AND b.confirmed_at IS NOT NULL)
           THEN p.email END AS email
    FROM profiles p WHERE p.user_id = #{user_id}""";

  // The floor under any profile read: the row by its primary key, the email shown to its own user only.
  private static final String FIND_PROFILE_BARE = """
    SELECT user_id, role, name, bio, topics, created_at, updated_at, CASE WHEN user_id = #{caller} THEN email END AS email
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
    DeploymentOptions http = new DeploymentOptions().setInstances(Runtime.getRuntime().availableProcessors());
    vertx.deployVerticle(() -> new Reference(pool, port), http)
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
    router.post("/bookings").handler(BodyHandler.create().setBodyLimit(65536)).handler(this::book);
    return vertx.createHttpServer().requestHandler(router).listen(port, "127.0.0.1");
  }

  private void profile(RoutingContext ctx, String sql) {
    String userId = ctx.queryParams().get("user_id");
    String caller = ctx.request().getHeader("X-Bench-Caller");
    if (userId == null || caller == null) {
      ctx.fail(400);
      return;
    }
    SqlTemplate.forQuery(pool, sql)
      .mapTo(row -> {
        JsonObject profile = profileJson(row);
        if (profile.getString("email") == null) {
          profile.remove("email");
        }
        return profile;
      })
      .execute(Map.of("user_id", userId, "caller", caller, "admin", false))
      .onSuccess(rows -> {
        var found = rows.iterator();
        if (found.hasNext()) {
          ctx.json(new JsonObject().put("profile", found.next()));
        } else {
          ctx.fail(404);
        }
      })
      .onFailure(ctx::fail);
  }

  private void book(RoutingContext ctx) {
    Map<String, Object> booking;
    try {
      booking = bookingParams(ctx.body().asJsonObject());
    } catch (RuntimeException invalid) {
      ctx.fail(400);
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

  // ProfileStore.toJson.
  private static JsonObject profileJson(Row row) {
    return new JsonObject()
      .put("user_id", row.getString("user_id"))
      .put("role", row.getString("role"))
      .put("name", row.getString("name"))
      .put("email", row.getString("email"))
      .put("bio", row.getString("bio"))
      .put("topics", new JsonArray(List.of(row.getArrayOfStrings("topics"))))
      .put("created_at", UTC_MILLIS.format(row.getOffsetDateTime("created_at")))
      .put("updated_at", UTC_MILLIS.format(row.getOffsetDateTime("updated_at")));
  }
}
