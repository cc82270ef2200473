package red.sessions.vyoma.meetings;

import java.util.UUID;

/** Whether each party of the session consents to its lesson being recorded now. */
public record Consents(UUID sessionId, boolean student, boolean teacher) {
}
