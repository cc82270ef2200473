package red.sessions.vyoma.profiles;

import java.util.UUID;

/** What a save did: the profile's stable id, and whether the profile is new. */
public record SavedProfile(UUID profileId, boolean created) {
}
