package red.sessions.vyoma.availability;

import java.time.OffsetDateTime;
import java.util.UUID;

/** A published slot, and whether a pending or confirmed booking lies in it. */
public record Slot(UUID id, String teacherId, OffsetDateTime startTime, OffsetDateTime endTime, boolean booked) {
}
