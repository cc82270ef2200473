package red.sessions.vyoma.notifications;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import red.sessions.vyoma.platform.Sweep;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Prunes what was sent: finished notifications (sent, failed, skipped, expired, cancelled; never a scheduled one)
 * {@code notifications.retention_days} after they were due, or sent if later, one node at a time ({@link Sweep});
 * and the {@code .eml} files the {@code log} mail provider wrote under {@code <data_dir>/mail/} longer ago than that
 * (whichever provider is configured now), on every node, since each node writes its own data directory.
 */
public final class NotificationRetention {

  private static final String PRUNE = """
    WITH sweeper AS MATERIALIZED (SELECT pg_try_advisory_xact_lock(7436917503219245606) AS alone),
    finished AS (
      SELECT id FROM notifications
       WHERE (SELECT alone FROM sweeper) AND status <> 'scheduled'
         AND GREATEST(due_at, sent_at) < now() - #{days}::int * interval '1 day'
       ORDER BY GREATEST(due_at, sent_at)
       LIMIT #{batch}
         FOR UPDATE SKIP LOCKED)
    DELETE FROM notifications n USING finished f WHERE n.id = f.id""";

  private NotificationRetention() {
  }

  /**
   * @param notifications the {@code notifications} section
   * @param retention     the {@code retention} section
   */
  public static Sweep sweep(Pool pool, JsonObject notifications, JsonObject retention) {
    return new Sweep(pool, "notifications past notifications.retention_days", PRUNE,
      Map.of("days", Sweep.days(notifications, "retention_days")), retention.getLong("sweep_interval_seconds"))
      .pruning("notifications");
  }

  /** The sweep of the {@code log} provider's files in {@code <data_dir>/mail/} ({@link Mailer#of}). */
  public static Sweep mailFiles(Vertx vertx, Path dataDir, JsonObject notifications, JsonObject retention) {
    Path directory = Mailer.logDirectory(dataDir);
    int days = Sweep.days(notifications, "retention_days");
    return new Sweep("mail files past notifications.retention_days",
      size -> vertx.executeBlocking(() -> deleteOlder(directory, Instant.now().minus(days, ChronoUnit.DAYS), size), false),
      retention.getLong("sweep_interval_seconds")).pruning("mail_files");
  }

  /** Deletes at most {@code max} {@code .eml} files last written before the moment; answers how many went. */
  private static int deleteOlder(Path directory, Instant before, int max) throws IOException {
    if (!Files.isDirectory(directory)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(directory)) {
      return (int) files
        .filter(file -> file.getFileName().toString().endsWith(".eml") && lastWrittenBefore(file, before))
        .limit(max)
        .filter(NotificationRetention::delete)
        .count();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private static boolean lastWrittenBefore(Path file, Instant before) {
    try {
      return Files.getLastModifiedTime(file).toInstant().isBefore(before);
    } catch (NoSuchFileException gone) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean delete(Path file) {
    try {
      return Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
