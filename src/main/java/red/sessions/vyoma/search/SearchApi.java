package red.sessions.vyoma.search;

/** The search domain's event-bus contract: its address and the actions it answers. */
public final class SearchApi {

  public static final String ADDRESS = "vyoma.search";
  public static final String TEACHERS = "teachers";

  private SearchApi() {
  }
}
