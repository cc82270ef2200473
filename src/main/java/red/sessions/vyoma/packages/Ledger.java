package red.sessions.vyoma.packages;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.templates.SqlTemplate;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.events.EventType;
import red.sessions.vyoma.platform.Rows;

import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A package's lessons as bookings use and return them, in the booking's own transaction. Every change of
 * {@code remaining} is written with its ledger entry in one statement; the table's CHECK keeps
 * {@code remaining} from going below zero and its unique indexes let a booking take one lesson and give one
 * back at most once, whatever races.
 */
public final class Ledger {

  /** Why a package's {@code remaining} changed (or, with no change, what happened to its lesson). */
  public enum Reason {
    GRANTED, BOOKED, CANCELLED_IN_TIME, LATE_CANCELLATION, TEACHER_CANCELLED, STUDENT_NO_SHOW, TEACHER_NO_SHOW,
    RESCHEDULED, EXPIRED;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public static final DomainException NO_LESSONS_LEFT = DomainException.conflict("no lessons left in a package with this teacher");

  private static final String CHOOSE = """
    SELECT id FROM packages
     WHERE student_id = #{student_id} AND teacher_id = #{teacher_id} AND remaining > 0
       AND (expires_at IS NULL OR expires_at > #{start_time})
       AND (#{package_id}::uuid IS NULL OR id = #{package_id})
     ORDER BY expires_at NULLS LAST, created_at, id
     LIMIT 1""";

  private static final String RECORD = """
    WITH entry AS (
      INSERT INTO package_ledger (package_id, change, reason, booking_id)
      VALUES (#{package_id}, #{change}, #{reason}, #{booking_id})
      RETURNING package_id, change)
    UPDATE packages p SET remaining = p.remaining + entry.change FROM entry WHERE p.id = entry.package_id""";

  private static final String VALID_AT = """
    SELECT expires_at IS NULL OR expires_at > #{start_time} AS valid FROM packages WHERE id = #{package_id}""";

  private Ledger() {
  }

  /**
   * The package a lesson of the student with the teacher at {@code start} would be taken from: the one
   * {@code named}, or else the one that expires first; empty when none has a lesson left valid then. It is
   * not locked: a booking asks before it knows whether it needs a lesson, and {@link #record} is the
   * compare-and-set (the table's CHECK refuses a lesson that went meanwhile: {@code packages_remaining_in_range},
   * answered as {@link #NO_LESSONS_LEFT}).
   */
  public static Future<Optional<UUID>> choose(SqlClient client, String studentId, String teacherId, UUID named,
                                              OffsetDateTime start) {
    Map<String, Object> params = new HashMap<>();
    params.put("student_id", studentId);
    params.put("teacher_id", teacherId);
    params.put("package_id", named);
    params.put("start_time", start);
    return SqlTemplate.forQuery(client, CHOOSE).mapTo(row -> row.getUUID("id")).execute(params).map(Rows::first);
  }

  /** Whether the package is still valid for a lesson starting at {@code start}. */
  public static Future<Boolean> validAt(SqlClient client, UUID packageId, OffsetDateTime start) {
    return SqlTemplate.forQuery(client, VALID_AT).mapTo(row -> row.getBoolean("valid"))
      .execute(Map.of("package_id", packageId, "start_time", start))
      .map(rows -> rows.iterator().next());
  }

  /**
   * Writes the entry and changes {@code remaining} by {@code change}, both or neither; a lesson used or given
   * back is an event of the package ({@code package.lesson_used}, {@code package.lesson_returned}).
   */
  public static Future<Void> record(SqlClient client, UUID packageId, UUID bookingId, int change, Reason reason) {
    Map<String, Object> params = new HashMap<>();
    params.put("package_id", packageId);
    params.put("booking_id", bookingId);
    params.put("change", change);
    params.put("reason", reason.wire());
    Future<Void> recorded = SqlTemplate.forUpdate(client, RECORD).execute(params).mapEmpty();
    if (change == 0) {
      return recorded;
    }
    EventType type = change < 0 ? EventType.PACKAGE_LESSON_USED : EventType.PACKAGE_LESSON_RETURNED;
    // Sent behind the change without waiting for it: it runs after it and reads the package as changed.
    Future<Optional<Package>> after = PackageStore.find(client, packageId);
    return Future.all(recorded, after).compose(both -> after.result().orElseThrow()
      .appendEvent(client, type, bookingId));
  }
}
