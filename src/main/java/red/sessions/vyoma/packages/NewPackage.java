package red.sessions.vyoma.packages;

import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.kernel.JsonFields;
import red.sessions.vyoma.kernel.Times;

import java.time.Instant;
import java.time.OffsetDateTime;

/** A validated {@code POST /packages} body: 1 to 1000 lessons of the student with the teacher, until an optional future time. */
public record NewPackage(String studentId, String teacherId, int lessons, OffsetDateTime expiresAt) {

  static final int MOST_LESSONS = 1000;

  public static NewPackage parse(JsonObject body) {
    String studentId = JsonFields.requiredString(body, "student_id", "student_id");
    String teacherId = JsonFields.requiredString(body, "teacher_id", "teacher_id");
    if (studentId.equals(teacherId)) {
      throw DomainException.invalid("student_id and teacher_id must be different users");
    }
    int lessons = JsonFields.requiredInteger(body, "lessons", "lessons", 1, MOST_LESSONS);
    String expires = JsonFields.optionalString(body, "expires_at", "expires_at");
    OffsetDateTime expiresAt = expires == null ? null : Times.parse(expires, "expires_at");
    if (expiresAt != null && !expiresAt.toInstant().isAfter(Instant.now())) {
      throw DomainException.invalid("expires_at must be in the future");
    }
    return new NewPackage(studentId, teacherId, lessons, expiresAt);
  }
}
