package red.sessions.vyoma.bus;

/**
 * A failure a domain answers on purpose: the HTTP status it means and a message safe to show the client.
 * It travels back over the event bus as a {@code ReplyException} whose failure code is the status.
 */
public final class ApiException extends RuntimeException {

  private final int status;

  public ApiException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }

  public static ApiException badRequest(String message) {
    return new ApiException(400, message);
  }

  public static ApiException forbidden(String message) {
    return new ApiException(403, message);
  }

  public static ApiException notFound(String message) {
    return new ApiException(404, message);
  }

  public static ApiException conflict(String message) {
    return new ApiException(409, message);
  }
}
