package red.sessions.vyoma.profiles;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * A user's profile as one caller may see it.
 *
 * @param email    {@code null} when the caller may not see it
 * @param timeZone the user's own zone, {@code null} when they set none or the caller may not see it (the
 *                 email's rule: where a user lives is as much theirs)
 */
public record Profile(String userId, Role role, String name, String email, String bio, List<String> topics,
                      String timeZone, OffsetDateTime createdAt, OffsetDateTime updatedAt) {
}
