package red.sessions.vyoma.bench.proxy;

import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.serviceproxy.ServiceBinder;
import io.vertx.serviceproxy.ServiceProxyBuilder;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.bookings.Booking;
import red.sessions.vyoma.bookings.BookingStatus;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.bus.LocalServices;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One read of a booking from the bookings domain, on the same node, three ways: the route's call through
 * {@code LocalServices}; the same call through vertx-service-proxy's generated proxy and handler with the booking's
 * API JSON as its data object; and with the cheapest JSON form we could write for it. The domain runs on a worker,
 * as the server deploys it (a hop to a worker thread and back on every call), then on the caller's own event loop
 * (no thread hop: what each way costs by itself).
 *
 * <p>A batch is {@code calls} calls one after another from an event-loop context, as a route makes them. After a
 * warm-up, every round runs one batch of each way, in an order that turns every round, so that whatever else the
 * machine is doing falls on all three alike; each batch is timed on the wall clock and in CPU time of the whole
 * process (garbage collection included, waiting for a core not: the figure that holds on a busy machine), and its allocation is the bytes allocated by all
 * threads. Ratios are taken within a round, against {@code LocalServices}.
 *
 * <p>Arguments: rounds, calls per batch, warm-up seconds per placement.
 */
public final class ProxyBench {

  /** The routes' default, {@code http.request_timeout_ms}: every call arms a timer, whichever way. */
  private static final long TIMEOUT_MS = 30_000;
  private static final Caller CALLER = new Caller("bench-student-1", false);
  private static final UUID ID = UUID.fromString("0b6f6a52-4f0e-4c51-9a43-3c1de8d3a5f1");
  /** A booking with every field set (times in UTC to the millisecond, so that its JSON forms read back equal). */
  private static final Booking BOOKING = booking();
  private static final com.sun.management.ThreadMXBean THREADS =
    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private static final Path TASKS = Path.of("/proc/self/task");

  private record Way(String name, Supplier<Future<Booking>> call) {
  }

  /** One batch: wall and CPU time per call in microseconds, bytes allocated per call. */
  private record Sample(double wallMicros, double cpuMicros, double bytes) {
  }

  public static void main(String[] args) throws Exception {
    int rounds = Integer.parseInt(args[0]);
    int calls = Integer.parseInt(args[1]);
    int warmupSeconds = Integer.parseInt(args[2]);
    for (ThreadingModel service : List.of(ThreadingModel.WORKER, ThreadingModel.EVENT_LOOP)) {
      run(service, rounds, calls, warmupSeconds);
    }
  }

  private static void run(ThreadingModel service, int rounds, int calls, int warmupSeconds) throws Exception {
    // One event loop: with EVENT_LOOP the domain and the caller share it.
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    try {
      LocalServices.register(vertx);
      await(vertx.deployVerticle(new Domain(), new DeploymentOptions().setThreadingModel(service)));
      Context caller = vertx.getOrCreateContext();
      BookingReads local = LocalServices.proxy(vertx, BookingReads.class, BookingReads.ADDRESS, TIMEOUT_MS);
      JsonBookingReads json = new ServiceProxyBuilder(vertx).setAddress(JsonBookingReads.ADDRESS).build(JsonBookingReads.class);
      CompactJsonBookingReads compact =
        new ServiceProxyBuilder(vertx).setAddress(CompactJsonBookingReads.ADDRESS).build(CompactJsonBookingReads.class);
      // The route holds a Caller and the path's id; service-proxy takes a data object and a string.
      List<Way> ways = List.of(
        new Way("LocalServices", () -> local.get(CALLER, ID)),
        new Way("service-proxy, API JSON", () -> json.get(new CallerObject(CALLER), ID.toString()).map(BookingObject::booking)),
        new Way("service-proxy, compact JSON",
          () -> compact.get(new CallerObject(CALLER), ID.toString()).map(CompactBookingObject::booking)));

      // Every way must answer the same booking: by reference one way, read back from its JSON the others.
      if (batch(caller, ways.get(0), 1) != BOOKING || !batch(caller, ways.get(1), 1).equals(BOOKING)
        || !batch(caller, ways.get(2), 1).equals(BOOKING)) {
        throw new IllegalStateException("the ways do not answer the same booking");
      }
      long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds);
      while (System.nanoTime() < warmupEnd) {
        for (Way way : ways) {
          batch(caller, way, calls);
        }
      }

      List<List<Sample>> samples = new ArrayList<>();
      ways.forEach(way -> samples.add(new ArrayList<>()));
      for (int round = 0; round < rounds; round++) {
        for (int k = 0; k < ways.size(); k++) {
          int w = (round + k) % ways.size();
          samples.get(w).add(measure(caller, ways.get(w), calls));
        }
      }
      report(service, ways, samples, rounds, calls, warmupSeconds);
    } finally {
      await(vertx.close());
    }
  }

  private static Sample measure(Context caller, Way way, int calls) {
    long[] threads = THREADS.getAllThreadIds();
    long bytes = allocated(threads);
    long cpu = cpuNanos();
    long wall = System.nanoTime();
    batch(caller, way, calls);
    wall = System.nanoTime() - wall;
    cpu = cpuNanos() - cpu;
    bytes = allocated(threads) - bytes;
    return new Sample(wall / 1e3 / calls, cpu / 1e3 / calls, (double) bytes / calls);
  }

  /**
   * The CPU time of every thread of the process so far, the JVM's own (garbage collection, compilers) included, to
   * the nanosecond: the first field of each thread's {@code schedstat}. (The process's CPU time as the JVM reports
   * it counts in 10 ms ticks here, too coarse for a batch.)
   */
  private static long cpuNanos() {
    long total = 0;
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
      for (Path task : tasks) {
        try {
          String schedstat = Files.readString(task.resolve("schedstat"));
          total += Long.parseLong(schedstat.substring(0, schedstat.indexOf(' ')));
        } catch (NoSuchFileException ended) {
          // A thread that ended meanwhile.
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return total;
  }

  /** Bytes allocated so far by the given threads: the caller's event loop, the worker, this one. */
  private static long allocated(long[] threads) {
    return Arrays.stream(THREADS.getThreadAllocatedBytes(threads)).filter(bytes -> bytes > 0).sum();
  }

  /** The calls, each made when the previous one has answered, on the caller's context; the last answer. */
  private static Booking batch(Context caller, Way way, int calls) {
    CompletableFuture<Booking> done = new CompletableFuture<>();
    caller.runOnContext(v -> next(way.call(), calls, done));
    return done.join();
  }

  private static void next(Supplier<Future<Booking>> call, int left, CompletableFuture<Booking> done) {
    call.get().onComplete(answer -> {
      if (answer.failed()) {
        done.completeExceptionally(answer.cause());
      } else if (left == 1) {
        done.complete(answer.result());
      } else {
        next(call, left - 1, done);
      }
    });
  }

  private static void report(ThreadingModel service, List<Way> ways, List<List<Sample>> samples, int rounds, int calls,
                             int warmupSeconds) {
    System.out.printf(Locale.ROOT, "%n== Domain on %s: %d rounds of %d calls per way, after %d s of warm-up%n",
      service == ThreadingModel.WORKER ? "a worker (as deployed)" : "the caller's event loop", rounds, calls, warmupSeconds);
    System.out.printf(Locale.ROOT, "%-28s %12s %12s %10s   %-26s %-26s%n", "way", "wall µs/call", "CPU µs/call", "B/call",
      "wall ratio (p25-p75)", "CPU ratio (p25-p75)");
    List<Sample> base = samples.get(0);
    for (int w = 0; w < ways.size(); w++) {
      List<Sample> mine = samples.get(w);
      double[] wallRatio = new double[rounds];
      double[] cpuRatio = new double[rounds];
      for (int round = 0; round < rounds; round++) {
        wallRatio[round] = mine.get(round).wallMicros() / base.get(round).wallMicros();
        cpuRatio[round] = mine.get(round).cpuMicros() / base.get(round).cpuMicros();
      }
      System.out.printf(Locale.ROOT, "%-28s %12.2f %12.2f %10.0f   %-26s %-26s%n", ways.get(w).name(),
        quantile(mine.stream().mapToDouble(Sample::wallMicros).toArray(), 0.5),
        quantile(mine.stream().mapToDouble(Sample::cpuMicros).toArray(), 0.5),
        quantile(mine.stream().mapToDouble(Sample::bytes).toArray(), 0.5),
        spread(wallRatio), spread(cpuRatio));
    }
  }

  private static String spread(double[] ratios) {
    return String.format(Locale.ROOT, "%.2fx (%.2f-%.2f)", quantile(ratios, 0.5), quantile(ratios, 0.25), quantile(ratios, 0.75));
  }

  private static double quantile(double[] values, double q) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[(int) Math.round(q * (sorted.length - 1))];
  }

  /** The bookings domain, every way: one verticle serving the same booking at each address. */
  private static final class Domain extends VerticleBase {

    @Override
    public Future<?> start() {
      BookingReads local = Domain::read;
      JsonBookingReads json = (caller, bookingId) -> read(caller.caller(), UUID.fromString(bookingId)).map(BookingObject::new);
      CompactJsonBookingReads compact =
        (caller, bookingId) -> read(caller.caller(), UUID.fromString(bookingId)).map(CompactBookingObject::new);
      ServiceBinder binder = new ServiceBinder(vertx);
      return Future.all(
        LocalServices.serve(vertx, BookingReads.ADDRESS, BookingReads.class, local, (method, failure) -> failure),
        binder.setAddress(JsonBookingReads.ADDRESS).registerLocal(JsonBookingReads.class, json).completion(),
        binder.setAddress(CompactJsonBookingReads.ADDRESS).registerLocal(CompactJsonBookingReads.class, compact).completion());
    }

    private static Future<Booking> read(Caller caller, UUID bookingId) {
      return bookingId.equals(ID) && caller.actsForOneOf(BOOKING.studentId(), BOOKING.teacherId())
        ? Future.succeededFuture(BOOKING)
        : Future.failedFuture(DomainException.notFound("booking not found"));
    }
  }

  private static Booking booking() {
    OffsetDateTime start = OffsetDateTime.of(2026, 12, 14, 9, 0, 0, 0, ZoneOffset.UTC);
    OffsetDateTime created = start.minusDays(3).plusNanos(123_000_000);
    return new Booking(ID, CALLER.userId(), "bench-teacher-1", start, start.plusHours(1), BookingStatus.CONFIRMED,
      null, created, created.plusHours(2), 3,
      List.of(new Booking.Move(start.minusDays(1), start.minusDays(1).plusHours(1), CALLER.userId(), created.plusHours(1))),
      UUID.fromString("5d0c7f5e-9a3b-4f7e-8c61-2b7f0d9e4a10"), start.minusHours(24), false, null);
  }

  private static void await(Future<?> future) throws Exception {
    future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
