package red.sessions.vyoma.bookings;

import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.kernel.Text;

import java.util.Locale;
import java.util.UUID;

/**
 * A cancellation of a series: of all its occurrences, or of those from one of its bookings on ({@code following}),
 * with a reason for each booking (at most 500 characters, kept trimmed), if one is given.
 */
public record SeriesCancellation(Scope scope, UUID fromBookingId, String reason) {

  public enum Scope {
    ALL, FOLLOWING;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public static SeriesCancellation of(String scope, UUID fromBookingId, String reason) {
    Scope named = switch (scope) {
      case "all" -> Scope.ALL;
      case "following" -> Scope.FOLLOWING;
      default -> throw DomainException.invalid("scope must be all or following");
    };
    if (named == Scope.FOLLOWING && fromBookingId == null) {
      throw DomainException.invalid("from_booking_id is required with scope following");
    }
    if (named == Scope.ALL && fromBookingId != null) {
      throw DomainException.invalid("from_booking_id is only for scope following");
    }
    return new SeriesCancellation(named, fromBookingId,
      reason == null ? null : Text.bounded(reason, "reason", 0, StatusChange.MAX_REASON));
  }
}
