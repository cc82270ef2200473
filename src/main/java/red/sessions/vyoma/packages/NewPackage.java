package red.sessions.vyoma.packages;

import red.sessions.vyoma.bus.DomainException;

import java.time.Instant;
import java.time.OffsetDateTime;

/** A grant of 1 to {@link #MOST_LESSONS} lessons of a student with a teacher (someone else), until an optional future time. */
public record NewPackage(String studentId, String teacherId, int lessons, OffsetDateTime expiresAt) {

  public static final int MOST_LESSONS = 1000;

  public NewPackage {
    if (studentId.equals(teacherId)) {
      throw DomainException.invalid("student_id and teacher_id must be different users");
    }
    if (expiresAt != null && !expiresAt.toInstant().isAfter(Instant.now())) {
      throw DomainException.invalid("expires_at must be in the future");
    }
  }
}
