package red.sessions.vyoma.reviews;

import java.time.OffsetDateTime;
import java.util.UUID;

/** A student's review of a completed booking; {@code comment} is {@code null} when none was given. */
public record Review(UUID bookingId, String studentId, String teacherId, int rating, String comment,
                     OffsetDateTime createdAt) {
}
