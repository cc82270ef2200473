package red.sessions.vyoma.meetings;

import java.time.Instant;

/**
 * A live meeting as the directory holds it, with when the provider last confirmed that it still runs:
 * {@code null} until it has, for a meeting read from the database.
 */
record LiveMeeting(Meeting meeting, Instant verifiedAt) {

  static LiveMeeting unverified(Meeting meeting) {
    return new LiveMeeting(meeting, null);
  }

  boolean verifiedSince(Instant cutoff) {
    return verifiedAt != null && verifiedAt.isAfter(cutoff);
  }
}
