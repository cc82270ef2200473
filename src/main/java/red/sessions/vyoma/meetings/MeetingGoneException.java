package red.sessions.vyoma.meetings;

/** The provider no longer knows the meeting: it ended, by request or by itself. */
final class MeetingGoneException extends RuntimeException {

  MeetingGoneException() {
    super("the meeting has ended", null, false, false);
  }
}
