package red.sessions.vyoma.auth;

import java.time.Instant;

/**
 * A bearer token the server accepted: the caller it names, and the moment from which the server refuses it
 * (its {@code exp} plus {@code auth.leeway_seconds}), which a response that outlives its request (a stream of
 * events) must not outlive either.
 */
public record Authenticated(Caller caller, Instant refusedFrom) {
}
