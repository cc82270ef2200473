package red.sessions.vyoma.exports;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.bus.DomainVerticle;
import red.sessions.vyoma.bus.LocalServices;
import red.sessions.vyoma.files.FileService;
import red.sessions.vyoma.kernel.Page;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Exports as users and admins ask for and read them. A new export wakes the builders ({@link ExportBuilder#WAKE}, on
 * every node), one of which claims it; a ready one is read with a download URL the file store signs for
 * {@code exports.url_expiry_seconds}.
 */
public final class ExportsVerticle extends DomainVerticle<ExportService> implements ExportService {

  private final ExportStore store;
  private final Duration urlExpiry;
  private final long requestTimeoutMs;
  private FileService files;

  /**
   * @param config the {@code exports} section
   */
  public ExportsVerticle(Pool pool, JsonObject config, long requestTimeoutMs) {
    super(ADDRESS, ExportService.class, Map.of());
    this.store = new ExportStore(pool);
    this.urlExpiry = Duration.ofSeconds(config.getLong("url_expiry_seconds"));
    this.requestTimeoutMs = requestTimeoutMs;
    if (urlExpiry.isNegative() || urlExpiry.isZero()) {
      throw new IllegalArgumentException("exports.url_expiry_seconds must be positive");
    }
  }

  @Override
  public Future<?> start() {
    files = LocalServices.proxy(vertx, FileService.class, FileService.ADDRESS, requestTimeoutMs);
    return super.start();
  }

  @Override
  public Future<Export> request(Caller caller, String userId) {
    if (!caller.actsFor(userId)) {
      throw DomainException.forbidden("only the user or an admin may export the user's data");
    }
    return store.request(userId, caller.userId()).onSuccess(export -> vertx.eventBus().publish(ExportBuilder.WAKE, null));
  }

  /** Someone else's export is refused as any object one may not touch is (403); an unknown id is 404. */
  @Override
  public Future<Export> get(Caller caller, UUID exportId) {
    return store.find(exportId).compose(found -> {
      Export export = found.orElseThrow(() -> DomainException.notFound("no export " + exportId));
      if (!caller.actsFor(export.userId())) {
        throw DomainException.forbidden("an export is read only by its user or an admin");
      }
      if (!export.ready()) {
        return Future.succeededFuture(export);
      }
      return files.exportUrl(export.objectKey(), "vyoma-export-" + export.id() + ".zip", urlExpiry)
        .map(export::withDownloadUrl);
    });
  }

  @Override
  public Future<List<Export>> list(Caller caller, Page page) {
    if (!caller.admin()) {
      throw DomainException.forbidden("only admins list every export");
    }
    return store.list(page);
  }
}
