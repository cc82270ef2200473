package red.sessions.vyoma.meetings;

/** What joining found: the meeting or attendee, and whether this call made it. */
public record Joined<T>(T value, boolean made) {
}
