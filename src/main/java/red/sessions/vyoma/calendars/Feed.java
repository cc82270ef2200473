package red.sessions.vyoma.calendars;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A calendar feed as its owner lists it. Its address is never shown again after it was made ({@link NewFeed}):
 * only its hash is kept.
 */
public record Feed(UUID id, OffsetDateTime createdAt) {
}
