package red.sessions.vyoma.calendars;

import io.vertx.sqlclient.Row;
import red.sessions.vyoma.auth.Parties;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A booking as its calendar event shows it, read through what bookings/ and profiles/ publish ({@code lessons},
 * {@code public_profiles}): its parties and their names, its times and status (a booking's wire status), and how
 * many times its time or status changed and when it last did.
 */
record Lesson(UUID bookingId, String studentId, String studentName, String teacherId, String teacherName,
              String status, OffsetDateTime start, OffsetDateTime end, int changes, OffsetDateTime changedAt)
  implements Parties.Between {

  /** What {@link #of} reads: the lesson {@code l} and its parties' public profiles {@code s} and {@code t}. */
  static final String SELECT = """
    SELECT l.id, l.student_id, s.name AS student_name, l.teacher_id, t.name AS teacher_name,
           l.status, l.start_time, l.end_time, l.changes, l.changed_at
      FROM lessons l JOIN public_profiles s ON s.user_id = l.student_id JOIN public_profiles t ON t.user_id = l.teacher_id""";

  static Lesson of(Row row) {
    return new Lesson(row.getUUID("id"), row.getString("student_id"), row.getString("student_name"),
      row.getString("teacher_id"), row.getString("teacher_name"), row.getString("status"),
      row.getOffsetDateTime("start_time"), row.getOffsetDateTime("end_time"), row.getInteger("changes"),
      row.getOffsetDateTime("changed_at"));
  }

  /**
   * The other party's name as the viewer sees the lesson: the teacher's for the student, the student's for the
   * teacher; both for anyone else (an admin).
   */
  String withWhom(String viewer) {
    if (viewer.equals(studentId)) {
      return teacherName;
    }
    if (viewer.equals(teacherId)) {
      return studentName;
    }
    return teacherName + " and " + studentName;
  }
}
