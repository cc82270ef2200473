package red.sessions.vyoma.erasures;

/** The erasure a request answers: the one it made ({@code created}), or the user's earlier one. */
public record RequestedErasure(Erasure erasure, boolean created) {
}
