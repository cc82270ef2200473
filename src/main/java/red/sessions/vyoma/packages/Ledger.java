package red.sessions.vyoma.packages;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.events.EventType;
import red.sessions.vyoma.events.Outbox;
import red.sessions.vyoma.platform.Rows;
import red.sessions.vyoma.platform.Sql;

import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
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

  // The packages a lesson at start_time may come from, in the order lessons are taken from them.
  private static final String USABLE = PackageStore.SELECT + """

     WHERE p.student_id = #{student_id} AND p.teacher_id = #{teacher_id} AND p.remaining > 0
       AND (p.expires_at IS NULL OR p.expires_at > #{start_time})
       AND (#{package_id}::uuid IS NULL OR p.id = #{package_id})
     ORDER BY p.expires_at NULLS LAST, p.created_at, p.id
     %s
       FOR NO KEY UPDATE OF p""";
  private static final String CHOOSE = USABLE.formatted("LIMIT 1");
  private static final String USABLE_FROM = USABLE.formatted("");

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
   * {@code named}, or else the one that expires first; empty when none has a lesson left valid then. It is locked
   * to the end of the transaction, so that what {@link #use} writes of it is known before it is written (every
   * change of a package updates its row); the table's CHECK still refuses a lesson that is not there
   * ({@code packages_remaining_in_range}).
   */
  public static Future<Optional<Package>> choose(SqlClient client, String studentId, String teacherId, UUID named,
                                                 OffsetDateTime start) {
    return Sql.query(client, CHOOSE).mapTo(Package::of).execute(params(studentId, teacherId, named, start))
      .map(Rows::first);
  }

  private static Map<String, Object> params(String studentId, String teacherId, UUID named, OffsetDateTime start) {
    Map<String, Object> params = new HashMap<>();
    params.put("student_id", studentId);
    params.put("teacher_id", teacherId);
    params.put("package_id", named);
    params.put("start_time", start);
    return params;
  }

  /**
   * Every package lessons of the student with the teacher from {@code start} on may be taken from (the one
   * {@code named}, or all of them), in {@link #choose}'s order, locked as it locks its one: for lessons booked
   * together, each taken from the first of them with a lesson left and still valid at its own start.
   */
  public static Future<List<Package>> usableFrom(SqlClient client, String studentId, String teacherId, UUID named,
                                                 OffsetDateTime start) {
    return Sql.query(client, USABLE_FROM).mapTo(Package::of).execute(params(studentId, teacherId, named, start))
      .map(Rows::toList);
  }

  /**
   * Takes a lesson of a package {@link #choose} locked in this transaction for the booking, at {@code at} (the
   * transaction's time): the entry, {@code remaining} and the package's event go out together, the event with the
   * package as the entry leaves it, and {@code then}, the event of the change the lesson went to, behind it in the
   * same statement.
   */
  public static Future<Void> use(SqlClient client, Package chosen, UUID bookingId, OffsetDateTime at, Outbox.Entry then) {
    Future<?> recorded = Sql.update(client, RECORD).execute(entry(chosen.packageId(), bookingId, -1, Reason.BOOKED));
    Outbox.Entry used = chosen.afterUse(bookingId, at).event(EventType.PACKAGE_LESSON_USED, bookingId);
    return Future.all(recorded, Outbox.appendAll(client, List.of(used, then))).mapEmpty();
  }

  /** Whether the package is still valid for a lesson starting at {@code start}. */
  public static Future<Boolean> validAt(SqlClient client, UUID packageId, OffsetDateTime start) {
    return Sql.query(client, VALID_AT).mapTo(row -> row.getBoolean("valid"))
      .execute(Map.of("package_id", packageId, "start_time", start))
      .map(rows -> rows.iterator().next());
  }

  /**
   * Writes the entry and changes {@code remaining} by {@code change}, both or neither; a lesson used or given
   * back is an event of the package ({@code package.lesson_used}, {@code package.lesson_returned}).
   */
  public static Future<Void> record(SqlClient client, UUID packageId, UUID bookingId, int change, Reason reason) {
    Future<Void> recorded = Sql.update(client, RECORD).execute(entry(packageId, bookingId, change, reason))
      .mapEmpty();
    if (change == 0) {
      return recorded;
    }
    EventType type = change < 0 ? EventType.PACKAGE_LESSON_USED : EventType.PACKAGE_LESSON_RETURNED;
    // Sent behind the change without waiting for it: it runs after it and reads the package as changed.
    Future<Optional<Package>> after = PackageStore.find(client, packageId);
    return Future.all(recorded, after).compose(both -> Outbox.append(client, after.result().orElseThrow()
      .event(type, bookingId)));
  }

  private static Map<String, Object> entry(UUID packageId, UUID bookingId, int change, Reason reason) {
    Map<String, Object> params = new HashMap<>();
    params.put("package_id", packageId);
    params.put("booking_id", bookingId);
    params.put("change", change);
    params.put("reason", reason.wire());
    return params;
  }
}
