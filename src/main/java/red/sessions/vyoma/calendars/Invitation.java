package red.sessions.vyoma.calendars;

/**
 * A lesson as an iTIP message (RFC 5546) for one of its parties' mailboxes: the iCalendar {@code text} and its
 * {@code method} ({@code REQUEST} or {@code CANCEL}), which the email's {@code text/calendar} part names too, so
 * mail clients offer it as an invitation.
 */
public record Invitation(String method, String text) {
}
