package red.sessions.vyoma.packages;

import io.vertx.core.Future;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.kernel.Page;

import java.util.List;
import java.util.UUID;

/** The packages domain, served on the event bus at {@link #ADDRESS}. */
public interface PackageService {

  String ADDRESS = "vyoma.packages";

  /** Grants the package: an admin (the platform's billing, after payment) or the package's teacher may. */
  Future<Package> create(Caller caller, NewPackage grant);

  /** The packages of the student, the teacher, or both together; only those users (or an admin) may list them. */
  Future<List<Package>> list(Caller caller, String studentId, String teacherId, Page page);

  /** One package with its ledger, for its two parties and admins. */
  Future<Package> get(Caller caller, UUID packageId);

  /** The packages (with their ledgers) the user is a party to, for the user's export (no route reaches it), by id after {@code after} (null: from the first), at most {@code limit}. */
  Future<List<Package>> ofUser(String userId, UUID after, int limit);

  /**
   * For erasures/: ends the packages the user is a party to, so that nothing more is booked from them: the lessons
   * left in each expire at once, as at its {@code expires_at}, with an {@code expired} entry in the ledger.
   */
  Future<Void> end(String userId);
}
