package red.sessions.vyoma.platform;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import red.sessions.vyoma.support.Api;
import red.sessions.vyoma.support.Seed;
import red.sessions.vyoma.support.TestServer;
import red.sessions.vyoma.support.Wait;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntPredicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static red.sessions.vyoma.support.Api.assertError;
import static red.sessions.vyoma.support.Api.assertJson;

/**
 * PostgreSQL stops under a booking load and comes back on the same port and data directory, as a restart
 * or a failover does: while it is down, every call that needs it answers 503 with {@code Retry-After} at
 * once (never a 500, never after a long wait); once it is back the same server serves again by itself, and
 * every booking it answered 201 is there.
 */
class DatabaseOutageTest {

  /** Far under the server's own timeouts: an answer this slow waited for something that was not coming. */
  private static final Duration PROMPTLY = Duration.ofSeconds(2);
  private static final Duration RECOVERY = Duration.ofSeconds(20);
  /** Four adjacent day-long slots hold 384 15-minute bookings, far more than the load makes. */
  private static final int SLOTS = 4;

  private final Path dataDir = TestServer.temporaryDirectory();
  private final int port = TestServer.freePort();
  private EmbeddedPostgres database;
  private TestServer server;
  private BookingLoad load;

  @AfterEach
  void stopAll() throws IOException {
    if (load != null) {
      load.stop();
    }
    if (server != null) {
      server.close();
    }
    if (database != null) {
      database.close();
    }
  }

  @Test
  void anOutageIsA503WithRetryAfterAndTheServerRecoversWithoutLosingABooking() throws Exception {
    database = startDatabase();
    server = TestServer.start(Map.of("VYOMA_DB_URL", "postgresql://postgres@localhost:" + port + "/postgres"));
    Api api = server.api();
    Seed seed = server.seed();
    String teacher = seed.teacher("Physics");
    String student = seed.student();
    for (int slot = 0; slot < SLOTS; slot++) {
      seed.slot(teacher, Seed.hoursAhead(24 * slot), Seed.hoursAhead(24 * (slot + 1)));
    }
    load = new BookingLoad(server, student, teacher);

    load.awaitAnswers(status -> status == 201, 5);
    database.close();
    database = null;

    HttpResponse<Buffer> read = promptly(() -> api.send(HttpMethod.GET, "/profiles?user_id=" + student,
      server.token(student), null, PROMPTLY));
    assertUnavailable(read);
    HttpResponse<Buffer> write = promptly(() -> api.send(HttpMethod.POST, "/bookings", server.token(student),
      load.nextBooking(), PROMPTLY));
    assertUnavailable(write);
    assertError(api.send(HttpMethod.GET, "/health/ready", null, null, PROMPTLY), 503);
    load.awaitAnswers(status -> status == 503, 5);

    database = startDatabase();
    Wait.eventually(RECOVERY, Duration.ofMillis(50),
      () -> api.send(HttpMethod.GET, "/profiles?user_id=" + student, server.token(student), null, PROMPTLY).statusCode() == 200,
      () -> "the server still fails " + RECOVERY.toSeconds() + " s after PostgreSQL came back");
    int madeBefore = load.made().size();
    load.awaitAnswers(status -> status == 201, madeBefore + 5);
    List<Integer> statuses = load.stop();

    assertEquals(Set.of(201, 503), Set.copyOf(statuses), () -> "the load's answers: " + statuses);
    assertJson(api.get("/health/ready", null), 200);
    JsonArray stored = new JsonArray(api.get("/bookings?limit=500&student_id=" + student, server.token(student)).bodyAsString());
    Set<String> storedIds = stored.stream().map(booking -> ((JsonObject) booking).getString("booking_id")).collect(Collectors.toSet());
    assertTrue(storedIds.containsAll(load.made()), () -> "bookings answered 201 but missing: "
      + load.made().stream().filter(id -> !storedIds.contains(id)).toList());
  }

  /** Started, or started again, on the same port and data directory. */
  private EmbeddedPostgres startDatabase() throws IOException {
    return EmbeddedPostgres.builder()
      .setPort(port)
      .setDataDirectory(dataDir)
      .setCleanDataDirectory(false)
      .start();
  }

  private static void assertUnavailable(HttpResponse<Buffer> response) {
    assertError(response, 503);
    assertEquals("5", response.getHeader("Retry-After"), "Retry-After");
  }

  private static HttpResponse<Buffer> promptly(Supplier<HttpResponse<Buffer>> call) {
    long started = System.nanoTime();
    HttpResponse<Buffer> response = call.get();
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertTrue(took.compareTo(PROMPTLY) < 0, () -> "answered after " + took.toMillis() + " ms");
    return response;
  }

  /**
   * A student booking 15-minute lessons, each at a time of its own, from a few clients at once until stopped:
   * a light, steady load with requests at every step of their transaction when PostgreSQL goes, so the
   * outage meets them while connecting, mid-statement and between two statements.
   */
  private static final class BookingLoad {

    private static final Duration PACE = Duration.ofMillis(20);
    private static final int CLIENTS = 4;
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(10);

    private final TestServer server;
    private final String student;
    private final String teacher;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();
    private final Set<String> made = ConcurrentHashMap.newKeySet();
    private final ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    /** Ends when every client has, or at once when one fails. */
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    BookingLoad(TestServer server, String student, String teacher) {
      this.server = server;
      this.student = student;
      this.teacher = teacher;
      CompletableFuture<?>[] each = IntStream.range(0, CLIENTS)
        .mapToObj(client -> CompletableFuture.runAsync(this::run, clients).whenComplete((ok, failure) -> {
          if (failure != null) {
            done.completeExceptionally(failure);
          }
        }))
        .toArray(CompletableFuture[]::new);
      CompletableFuture.allOf(each).thenRun(() -> done.complete(null));
    }

    /**
     * Books one lesson after another; a 503 is sent again with the same {@code Idempotency-Key}, as a client
     * should, so the outage uses up no times and a booking whose answer was lost is answered, not made twice.
     */
    private void run() {
      while (running.get()) {
        JsonObject booking = nextBooking();
        String key = UUID.randomUUID().toString();
        int status;
        do {
          HttpResponse<Buffer> response = server.api().request(HttpMethod.POST, "/bookings")
            .timeout(ANSWER_WITHIN.toMillis())
            .bearerTokenAuthentication(server.token(student))
            .putHeader("Idempotency-Key", key)
            .sendJsonObject(booking)
            .await();
          status = response.statusCode();
          statuses.add(status);
          if (status == 201) {
            made.add(response.bodyAsJsonObject().getString("booking_id"));
          }
          Wait.sleep(PACE);
        } while (status == 503 && running.get());
      }
    }

    JsonObject nextBooking() {
      OffsetDateTime start = Seed.hoursAhead(0).plusMinutes(15L * next.getAndIncrement());
      return Seed.bookingBody(student, teacher, start, start.plusMinutes(15));
    }

    Set<String> made() {
      return made;
    }

    void awaitAnswers(IntPredicate status, int count) {
      String failure = "the load got %s and stopped waiting for " + count + " more of a kind";
      Wait.eventually(RECOVERY, Duration.ofMillis(20), () -> {
        if (statuses.stream().filter(status::test).count() >= count) {
          return true;
        }
        if (done.isDone()) {
          done.join();
          fail(failure.formatted(statuses));
        }
        return false;
      }, () -> failure.formatted(statuses));
    }

    List<Integer> stop() {
      running.set(false);
      try {
        done.join();
      } finally {
        clients.shutdown();
      }
      return List.copyOf(statuses);
    }
  }
}
