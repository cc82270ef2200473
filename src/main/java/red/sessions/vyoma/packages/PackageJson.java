package red.sessions.vyoma.packages;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.kernel.Times;

/**
 * The packages' wire format, in one place: a package with its ledger as the API answers it, and as the events
 * of its changes ({@code package.*}) carry it.
 */
public final class PackageJson {

  private PackageJson() {
  }

  public static JsonObject lessonPackage(Package lessons) {
    return new JsonObject()
      .put("package_id", lessons.packageId().toString())
      .put("student_id", lessons.studentId())
      .put("teacher_id", lessons.teacherId())
      .put("lessons", lessons.lessons())
      .put("remaining", lessons.remaining())
      .put("expires_at", lessons.expiresAt() == null ? null : Times.format(lessons.expiresAt()))
      .put("created_at", Times.format(lessons.createdAt()))
      .put("ledger", new JsonArray(lessons.ledger().stream().map(PackageJson::entry).toList()));
  }

  private static JsonObject entry(Package.Entry entry) {
    return new JsonObject()
      .put("change", entry.change())
      .put("reason", entry.reason())
      .put("booking_id", entry.bookingId() == null ? null : entry.bookingId().toString())
      .put("at", Times.format(entry.at()));
  }
}
