package red.sessions.vyoma.externalcalendars;

import io.vertx.core.Future;
import red.sessions.vyoma.auth.Caller;

import java.util.List;

/**
 * A teacher's external calendars, read as busy time, served on the event bus at {@link #ADDRESS}. Publishes
 * the view {@code external_busy_times} (a teacher's busy time from all of them) for the bookable rule.
 */
public interface ExternalCalendarService {

  String ADDRESS = "vyoma.external-calendars";

  /** The teacher's calendars in the order given, with how their reading goes; that teacher or an admin only. */
  Future<List<ExternalCalendar>> list(Caller caller, String teacherId);

  /**
   * Replaces the teacher's calendars and has each fetched at once: a calendar whose address stays keeps its
   * busy times until the fetch ends. That teacher or an admin only, and only for a teacher profile.
   */
  Future<List<ExternalCalendar>> replace(Caller caller, String teacherId, List<CalendarSource> calendars);

  /** For erasures/: deletes the teacher's external calendars and the busy time read from them. */
  Future<Void> erase(String userId);
}
