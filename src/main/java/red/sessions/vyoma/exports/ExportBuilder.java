package red.sessions.vyoma.exports;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.bus.LocalServices;
import red.sessions.vyoma.files.FileService;

import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

/**
 * Builds exports, on every node, one at a time per node: it claims the oldest pending export nobody holds
 * ({@code FOR UPDATE SKIP LOCKED}, under a lease it renews while it builds), writes the ZIP to a temporary file on a
 * worker thread of its own ({@link ExportWriter}), puts it in the file store and records it ready under its claim.
 * A node that dies mid-build stops renewing, and when the lease runs out another node's builder takes the export
 * over from the start. It looks when a request wakes it ({@link #WAKE}, published to every node) and every
 * {@value #POLL_SECONDS} seconds, for exports whose builder died.
 */
public final class ExportBuilder extends VerticleBase {

  /** Where a new export is announced, to every node's builder. */
  static final String WAKE = "vyoma.exports.wake";

  private static final Logger LOG = LoggerFactory.getLogger(ExportBuilder.class);
  private static final long POLL_SECONDS = 10;
  /** Building one export may take long (a gigabyte of files); the blocked-thread checker should not cry wolf. */
  private static final long MAX_BUILD_HOURS = 12;

  private final ExportStore store;
  private final long requestTimeoutMs;
  private WorkerExecutor worker;
  private ExportWriter writer;
  private FileService files;
  private MessageConsumer<Object> wakes;
  private long timer = -1;
  private boolean building;
  private boolean again;

  public ExportBuilder(Pool pool, long requestTimeoutMs) {
    this.store = new ExportStore(pool);
    this.requestTimeoutMs = requestTimeoutMs;
  }

  @Override
  public Future<?> start() {
    worker = vertx.createSharedWorkerExecutor("vyoma-exports", 1, MAX_BUILD_HOURS, TimeUnit.HOURS);
    writer = new ExportWriter(vertx, requestTimeoutMs);
    files = LocalServices.proxy(vertx, FileService.class, FileService.ADDRESS, requestTimeoutMs);
    wakes = vertx.eventBus().consumer(WAKE, message -> buildAll());
    timer = vertx.setPeriodic(0, POLL_SECONDS * 1000, id -> buildAll());
    return wakes.completion();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return wakes.unregister().eventually(() -> worker.close());
  }

  /** Builds claimed exports one after another until none is left; a wake-up meanwhile looks once more after. */
  private void buildAll() {
    if (building) {
      again = true;
      return;
    }
    building = true;
    again = false;
    buildNext()
      .onFailure(e -> LOG.warn("Could not claim an export to build (next try in {} s): {}", POLL_SECONDS, e.toString()))
      .onComplete(done -> {
        building = false;
        if (again) {
          buildAll();
        }
      });
  }

  private Future<Void> buildNext() {
    return store.claim().compose(claimed -> claimed.isEmpty() ? Future.succeededFuture()
      : build(claimed.get()).compose(v -> buildNext()));
  }

  private Future<Void> build(ExportStore.Claimed claimed) {
    if (claimed.attempt() > ExportStore.MAX_ATTEMPTS) {
      return store.failed(claimed, "the export was started " + ExportStore.MAX_ATTEMPTS
        + " times without finishing; ask for a new one");
    }
    long renewal = vertx.setPeriodic(ExportStore.LEASE_SECONDS * 1000L / 3, id -> store.renew(claimed)
      .onFailure(e -> LOG.warn("Could not renew the claim of export {}: {}", claimed.id(), e.toString())));
    return worker.executeBlocking(() -> Files.createTempFile("vyoma-export-", ".zip"), false)
      .compose(zip -> worker.executeBlocking(() -> {
          writer.write(claimed.id(), claimed.userId(), zip);
          return Files.size(zip);
        }, false)
        .compose(size -> files.putExport(claimed.userId(), claimed.id(), zip)
          .compose(key -> store.ready(claimed, key, size)))
        .eventually(() -> worker.executeBlocking(() -> Files.deleteIfExists(zip), false)))
      .recover(failure -> {
        LOG.warn("Could not build export {}", claimed.id(), failure);
        return store.failed(claimed, failure instanceof DomainException domain
          ? "the export could not be built: " + domain.getMessage()
          : "the export could not be built; ask for a new one");
      })
      .eventually(() -> {
        vertx.cancelTimer(renewal);
        return Future.succeededFuture();
      });
  }
}
