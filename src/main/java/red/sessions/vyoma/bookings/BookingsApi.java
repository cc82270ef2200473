package red.sessions.vyoma.bookings;

/** The bookings domain's event-bus contract: its address and the actions it answers. */
public final class BookingsApi {

  public static final String ADDRESS = "vyoma.bookings";
  public static final String LIST = "list";
  public static final String GET = "get";
  public static final String CREATE = "create";
  public static final String CHANGE_STATUS = "change-status";

  private BookingsApi() {
  }
}
