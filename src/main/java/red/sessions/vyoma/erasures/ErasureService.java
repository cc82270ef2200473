package red.sessions.vyoma.erasures;

import io.vertx.core.Future;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.kernel.Page;

import java.util.List;
import java.util.UUID;

/**
 * Erasures of users, served on the event bus at {@link #ADDRESS}. Its table ({@code erasures}) is read and written by
 * this package alone; the steps are run by {@link ErasureRunner} on every node, through each domain's own
 * {@code erase} (erasures/ writes no other domain's table).
 */
public interface ErasureService {

  String ADDRESS = "vyoma.erasures";

  /**
   * Erases the user: only they or an admin may, and only an admin gives a reason. One erasure per user: asking again
   * answers the first. From the moment it is accepted, every node refuses the user's tokens.
   */
  Future<RequestedErasure> request(Caller caller, String userId, String reason);

  /** One erasure, for its user and admins. */
  Future<Erasure> get(Caller caller, UUID erasureId);

  /** Every erasure, newest first, for admins. */
  Future<List<Erasure>> list(Caller caller, Page page);
}
