package red.sessions.vyoma.sessions;

/** The sessions domain's event-bus contract: its address and the actions it answers. */
public final class SessionsApi {

  public static final String ADDRESS = "vyoma.sessions";
  public static final String CREATE = "create";
  public static final String GET = "get";
  public static final String GET_BY_BOOKING = "get-by-booking";
  public static final String UPDATE = "update";

  private SessionsApi() {
  }
}
