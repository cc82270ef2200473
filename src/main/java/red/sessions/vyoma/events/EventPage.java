package red.sessions.vyoma.events;

import java.util.List;

/**
 * Events in order after a cursor, and the cursor after them.
 *
 * @param more     whether more events could be read at once (the page is full)
 * @param heldBack whether later events have committed but wait for an older transaction still running, so
 *                 a reader should look again shortly
 */
public record EventPage(List<Event> events, EventCursor next, boolean more, boolean heldBack) {
}
