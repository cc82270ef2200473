package red.sessions.vyoma.sessions;

import red.sessions.vyoma.bus.DomainException;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** A session moves pending → active → completed, never backwards. */
public enum SessionStatus {
  PENDING(List.of()),
  ACTIVE(List.of("pending")),
  COMPLETED(List.of("pending", "active"));

  private final List<String> reachableFrom;

  SessionStatus(List<String> reachableFrom) {
    this.reachableFrom = reachableFrom;
  }

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  String[] reachableFrom() {
    return reachableFrom.toArray(String[]::new);
  }

  public static SessionStatus fromWire(String value) {
    return Arrays.stream(values()).filter(status -> status.wire().equals(value)).findFirst()
      .orElseThrow(() -> DomainException.invalid("status must be pending, active or completed"));
  }
}
