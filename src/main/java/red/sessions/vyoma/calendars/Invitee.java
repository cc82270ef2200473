package red.sessions.vyoma.calendars;

/**
 * Who an invitation is for and who sends it: the party's user id (whose view of the lesson it shows) and email
 * address, its {@code ATTENDEE}, and the address the server sends from, its {@code ORGANIZER}.
 */
public record Invitee(String userId, String email, String organizer) {
}
