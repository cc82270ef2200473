package red.sessions.vyoma.api;

import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.kernel.Times;
import red.sessions.vyoma.packages.NewPackage;

/** The request body of {@code POST /packages}, read into the packages domain's input. */
public final class PackageBodies {

  private PackageBodies() {
  }

  public static NewPackage newPackage(JsonObject body) {
    String studentId = JsonFields.requiredString(body, "student_id", "student_id");
    String teacherId = JsonFields.requiredString(body, "teacher_id", "teacher_id");
    int lessons = JsonFields.requiredInteger(body, "lessons", "lessons", 1, NewPackage.MOST_LESSONS);
    String expires = JsonFields.optionalString(body, "expires_at", "expires_at");
    return new NewPackage(studentId, teacherId, lessons, expires == null ? null : Times.parse(expires, "expires_at"));
  }
}
