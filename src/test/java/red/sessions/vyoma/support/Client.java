package red.sessions.vyoma.support;

/** A running server as tests reach it: over HTTP, with tokens it accepts. */
public interface Client {

  Api api();

  /** A token for the user, valid for an hour. */
  String token(String userId);

  /** Builds users, slots, bookings and sessions through the API, as clients would. */
  default Seed seed() {
    return new Seed(this);
  }
}
