package red.sessions.vyoma.packages;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.auth.Parties;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.bus.DomainVerticle;
import red.sessions.vyoma.kernel.Page;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Lesson packages: an admin (the platform's billing side) or the teacher grants a student lessons with the
 * teacher; bookings take them and cancellations and no-shows give them back by the teacher's policy
 * ({@link Ledger}). A package is seen only by its two parties and admins.
 */
public final class PackagesVerticle extends DomainVerticle<PackageService> implements PackageService {

  private final PackageStore store;

  public PackagesVerticle(Pool pool) {
    super(ADDRESS, PackageService.class, Map.of());
    this.store = new PackageStore(pool);
  }

  @Override
  public Future<Package> create(Caller caller, NewPackage grant) {
    if (!caller.actsFor(grant.teacherId())) {
      throw DomainException.forbidden("a package is granted by an admin or by its teacher");
    }
    return store.grant(grant, caller.userId()).compose(id -> get(caller, id));
  }

  @Override
  public Future<List<Package>> list(Caller caller, String studentId, String teacherId, Page page) {
    Parties.requireListing(caller, studentId, teacherId, "packages");
    return store.list(studentId, teacherId, page);
  }

  @Override
  public Future<List<Package>> ofUser(String userId, UUID after, int limit) {
    return store.ofUser(userId, after, limit);
  }

  @Override
  public Future<Void> end(String userId) {
    return store.end(userId);
  }

  @Override
  public Future<Package> get(Caller caller, UUID packageId) {
    return store.find(packageId).map(found ->
      Parties.seenBy(caller, found.orElseThrow(() -> DomainException.notFound("no package " + packageId)), "package"));
  }
}
