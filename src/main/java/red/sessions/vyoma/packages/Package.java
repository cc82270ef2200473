package red.sessions.vyoma.packages;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import red.sessions.vyoma.auth.Parties;
import red.sessions.vyoma.events.EventType;
import red.sessions.vyoma.events.Outbox;
import red.sessions.vyoma.events.Subject;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** A student's package of lessons with one teacher: how many were granted, how many remain, and why. */
public record Package(UUID packageId, String studentId, String teacherId, int lessons, int remaining,
                      OffsetDateTime expiresAt, OffsetDateTime createdAt, List<Entry> ledger)
  implements Parties.Between {

  /** A change of {@code remaining}, with its reason and the booking it came from (none for granted and expired). */
  public record Entry(int change, String reason, UUID bookingId, OffsetDateTime at) {

    /** An entry as PostgreSQL wrote it in JSON (its time with an offset). */
    static Entry of(JsonObject json) {
      String booking = json.getString("booking_id");
      return new Entry(json.getInteger("change"), json.getString("reason"),
        booking == null ? null : UUID.fromString(booking), OffsetDateTime.parse(json.getString("at")));
    }
  }

  static Package of(Row row) {
    return new Package(
      row.getUUID("id"),
      row.getString("student_id"),
      row.getString("teacher_id"),
      row.getInteger("lessons"),
      row.getInteger("remaining"),
      row.getOffsetDateTime("expires_at"),
      row.getOffsetDateTime("created_at"),
      ((JsonArray) row.getJson("ledger")).stream().map(entry -> Entry.of((JsonObject) entry)).toList());
  }

  /** The package after one of its lessons went to the booking at {@code at}: what {@link Ledger#use} writes. */
  public Package afterUse(UUID bookingId, OffsetDateTime at) {
    List<Entry> entries = new ArrayList<>(ledger);
    entries.add(new Entry(-1, Ledger.Reason.BOOKED.wire(), bookingId, at));
    return new Package(packageId, studentId, teacherId, lessons, remaining - 1, expiresAt, createdAt, List.copyOf(entries));
  }

  /** The package's event (as it is after the change), with the booking it came from, if any. */
  Outbox.Entry event(EventType type, UUID bookingId) {
    return new Outbox.Entry(type, Subject.lessons(packageId, bookingId), List.of(studentId, teacherId),
      PackageJson.lessonPackage(this));
  }
}
