package red.sessions.vyoma.meetings;

/** The meetings domain's event-bus contract: its address and the actions it answers. */
public final class MeetingsApi {

  public static final String ADDRESS = "vyoma.meetings";
  public static final String JOIN = "join";
  public static final String GET = "get";
  public static final String END = "end";
  public static final String ADD_ATTENDEE = "add-attendee";

  private MeetingsApi() {
  }
}
