package red.sessions.vyoma.availability;

import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.kernel.JsonFields;
import red.sessions.vyoma.kernel.TimeRange;

import java.time.Duration;

/** A validated {@code POST /availability} body: a slot of 15 minutes to 24 hours, in the future. */
public record NewSlot(String teacherId, TimeRange time) {

  static final Duration SHORTEST = Duration.ofMinutes(15);
  static final Duration LONGEST = Duration.ofHours(24);

  public static NewSlot parse(JsonObject body) {
    return new NewSlot(JsonFields.requiredString(body, "teacher_id", "teacher_id"),
      TimeRange.parseFuture(body, SHORTEST, LONGEST));
  }
}
