package red.sessions.vyoma.search;

import java.util.List;

/**
 * A teacher found by topic.
 *
 * @param rating the mean of their reviews, or {@code null} before the first
 */
public record TeacherMatch(String userId, String name, String bio, List<String> topics, Double rating, long reviews) {
}
