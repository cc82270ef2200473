package red.sessions.vyoma.notifications;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * One email as its record shows it: to whom, about what, when it is (or was) due, and what came of it.
 *
 * @param minutesBefore a reminder's offset before the lesson, else null
 * @param error         why it failed, or was skipped, expired or cancelled; the last error of a retry
 */
public record Notification(UUID id, String recipient, Kind kind, Integer minutesBefore, OffsetDateTime dueAt,
                           String status, OffsetDateTime sentAt, int attempts, String error, OffsetDateTime createdAt) {
}
