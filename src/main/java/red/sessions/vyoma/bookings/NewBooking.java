package red.sessions.vyoma.bookings;

import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.kernel.TimeRange;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.UUID;

/**
 * A lesson a student asks to book with a teacher (someone else): 15 minutes to 8 hours, in the future, and the
 * package to take it from, when the student names one.
 */
public record NewBooking(String studentId, String teacherId, TimeRange time, UUID packageId) {

  static final Duration SHORTEST = Duration.ofMinutes(15);
  static final Duration LONGEST = Duration.ofHours(8);

  /** A booking a student asks for, with someone else as the teacher. */
  public static NewBooking of(String studentId, String teacherId, TimeRange time, UUID packageId) {
    if (studentId.equals(teacherId)) {
      throw DomainException.invalid("student_id and teacher_id must be different users");
    }
    return new NewBooking(studentId, teacherId, time, packageId);
  }

  /** A lesson's time, for booking or moving it: 15 minutes to 8 hours, in the future. */
  public static TimeRange lessonTime(OffsetDateTime start, OffsetDateTime end) {
    return TimeRange.future(start, end, SHORTEST, LONGEST);
  }

  /** What identifies this request for {@code Idempotency-Key}: the same booking asked for again. */
  String fingerprint() {
    // A package named is part of the request; without one the form is the one keys were first stored with.
    String canonical = String.join("\n", studentId, teacherId,
      time.start().toInstant().toString(), time.end().toInstant().toString())
      + (packageId == null ? "" : "\n" + packageId);
    return digest(canonical);
  }

  /** The SHA-256 of a request's canonical form, in hex: what its idempotency key is stored with. */
  static String digest(String canonical) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }
}
