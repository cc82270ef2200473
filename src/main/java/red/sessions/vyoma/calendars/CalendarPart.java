package red.sessions.vyoma.calendars;

import java.util.UUID;

/**
 * A page of a user's lessons as iCalendar events, for their export: a whole calendar is {@code opening}, the
 * {@code events} of every page in order, then {@code closing}, so it is written a page at a time.
 *
 * @param count how many lessons the page has (fewer than asked: the last page)
 * @param last  the id of the page's last lesson, where the next page starts; null for an empty page
 */
public record CalendarPart(String opening, String events, String closing, int count, UUID last) {
}
