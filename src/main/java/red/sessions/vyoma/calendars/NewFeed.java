package red.sessions.vyoma.calendars;

import java.time.OffsetDateTime;
import java.util.UUID;

/** A feed just made, with its secret address: the only time the address is shown. */
public record NewFeed(UUID id, String url, OffsetDateTime createdAt) {
}
