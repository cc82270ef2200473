package red.sessions.vyoma.bus;

/**
 * A call a domain refuses on purpose, in the domain's own words: why ({@link Reason}) and a message safe to
 * show the client. The HTTP front alone decides what status a reason is.
 */
public final class DomainException extends RuntimeException {

  /** Why a domain refused a call. */
  public enum Reason {
    /** The input breaks a rule of the domain (a time in the past, an unknown status, a value out of range). */
    INVALID,
    /** The caller may not do this to this object. */
    FORBIDDEN,
    NOT_FOUND,
    /** The call conflicts with the object's current state (a double booking, a transition out of order). */
    CONFLICT,
    /** What the call names existed once but is no longer kept (an event pruned from the outbox). */
    GONE,
    /** The caller asked for the change only at a version the object has left. */
    STALE,
    /** An idempotency key came back with a different request. */
    KEY_REUSED,
    /** A service the domain depends on is busy or down; the same call may succeed shortly. */
    DEPENDENCY_UNAVAILABLE,
    /** A service the domain depends on refused the call. */
    DEPENDENCY_REFUSED
  }

  private final Reason reason;

  public DomainException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  public static DomainException invalid(String message) {
    return new DomainException(Reason.INVALID, message);
  }

  public static DomainException forbidden(String message) {
    return new DomainException(Reason.FORBIDDEN, message);
  }

  public static DomainException notFound(String message) {
    return new DomainException(Reason.NOT_FOUND, message);
  }

  public static DomainException conflict(String message) {
    return new DomainException(Reason.CONFLICT, message);
  }
}
