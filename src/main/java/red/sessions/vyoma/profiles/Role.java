package red.sessions.vyoma.profiles;

import red.sessions.vyoma.bus.DomainException;

import java.util.Locale;

/** What a user is on the platform; stored and sent in lower case. */
public enum Role {
  STUDENT, TEACHER;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Role fromWire(String value) {
    for (Role role : values()) {
      if (role.wire().equals(value)) {
        return role;
      }
    }
    throw DomainException.invalid("role must be student or teacher");
  }
}
