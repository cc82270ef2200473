package red.sessions.vyoma.availability;

/** The availability domain's event-bus contract: its address and the actions it answers. */
public final class AvailabilityApi {

  public static final String ADDRESS = "vyoma.availability";
  public static final String LIST = "list";
  public static final String CREATE = "create";
  public static final String DELETE = "delete";

  private AvailabilityApi() {
  }
}
