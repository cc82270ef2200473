package red.sessions.vyoma.reviews;

/** The reviews domain's event-bus contract: its address and the actions it answers. */
public final class ReviewsApi {

  public static final String ADDRESS = "vyoma.reviews";
  public static final String CREATE = "create";

  private ReviewsApi() {
  }
}
