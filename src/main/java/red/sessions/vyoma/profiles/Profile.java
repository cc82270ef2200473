package red.sessions.vyoma.profiles;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * A user's profile as one caller may see it.
 *
 * @param email {@code null} when the caller may not see it
 */
public record Profile(String userId, Role role, String name, String email, String bio, List<String> topics,
                      OffsetDateTime createdAt, OffsetDateTime updatedAt) {
}
