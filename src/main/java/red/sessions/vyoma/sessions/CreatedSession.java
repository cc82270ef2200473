package red.sessions.vyoma.sessions;

import java.util.UUID;

/** A session made ({@code created}), or the one the booking already had. */
public record CreatedSession(UUID sessionId, boolean created) {
}
