package red.sessions.vyoma.exports;

import io.vertx.core.Future;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.kernel.Page;

import java.util.List;
import java.util.UUID;

/**
 * Exports of everything the platform holds about a user, served on the event bus at {@link #ADDRESS}: asked for by
 * that user or an admin, built by any node ({@link ExportBuilder}) as a ZIP in the file store, deleted after
 * {@code exports.keep_hours} ({@link ExportExpiry}). Its table ({@code exports}) is read and written by this package
 * alone; the data comes from each owner's service (the bookings, series, packages, sessions, reviews, events,
 * notifications, calendars and files services' pages of one user's rows), and whether a user has a profile from
 * {@code profile_roles}.
 */
public interface ExportService {

  String ADDRESS = "vyoma.exports";

  /** A new export of the user's data, or the one being built already (one at a time per user); that user or an admin. */
  Future<Export> request(Caller caller, String userId);

  /** The export, with a download URL while it is ready; its user, and admins. */
  Future<Export> get(Caller caller, UUID exportId);

  /** Every export, newest first; admins only. */
  Future<List<Export>> list(Caller caller, Page page);
}
