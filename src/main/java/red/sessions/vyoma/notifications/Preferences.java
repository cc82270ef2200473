package red.sessions.vyoma.notifications;

import red.sessions.vyoma.bus.DomainException;

import java.util.List;

/**
 * What a user wants to be sent: {@code email} false stops every email (there are no security notices yet,
 * which it would not stop); reminders at each of {@code remindersMinutesBefore} before a confirmed lesson.
 */
public record Preferences(boolean email, List<Integer> remindersMinutesBefore) {

  public static final int MAX_REMINDERS = 3;
  public static final int MAX_MINUTES_BEFORE = 10080;
  /** What a user who never set any has: a day and an hour before. */
  public static final Preferences DEFAULT = new Preferences(true, List.of(1440, 60));

  public Preferences {
    remindersMinutesBefore = remindersMinutesBefore.stream().distinct().sorted((a, b) -> b - a).toList();
    if (remindersMinutesBefore.size() > MAX_REMINDERS) {
      throw DomainException.invalid("reminders_minutes_before holds at most " + MAX_REMINDERS + " values");
    }
    if (remindersMinutesBefore.stream().anyMatch(minutes -> minutes < 1 || minutes > MAX_MINUTES_BEFORE)) {
      throw DomainException.invalid("each of reminders_minutes_before must be 1 to " + MAX_MINUTES_BEFORE);
    }
  }
}
