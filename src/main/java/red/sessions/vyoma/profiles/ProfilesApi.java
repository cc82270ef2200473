package red.sessions.vyoma.profiles;

/** The profiles domain's event-bus contract: its address and the actions it answers. */
public final class ProfilesApi {

  public static final String ADDRESS = "vyoma.profiles";
  public static final String GET = "get";
  public static final String SAVE = "save";

  private ProfilesApi() {
  }
}
