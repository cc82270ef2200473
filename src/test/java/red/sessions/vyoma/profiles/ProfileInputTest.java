package red.sessions.vyoma.profiles;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import red.sessions.vyoma.api.ProfileBodies;
import red.sessions.vyoma.bus.DomainException;

import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ProfileInputTest {

  private static JsonObject body(String role, JsonObject data) {
    return new JsonObject().put("user_id", "alice").put("role", role).put("profile_data", data);
  }

  private static JsonObject data() {
    return new JsonObject().put("name", "Alice").put("email", "alice@example.com");
  }

  private static ProfileInput teacher(JsonObject data) {
    return ProfileBodies.profile(body("teacher", data));
  }

  private static void assertBodyRefused(String message, JsonObject body) {
    DomainException e = assertThrows(DomainException.class, () -> ProfileBodies.profile(body));
    assertEquals(DomainException.Reason.INVALID, e.reason());
    assertEquals(message, e.getMessage());
  }

  private static void assertRefused(String message, JsonObject data) {
    assertBodyRefused(message, body("teacher", data));
  }

  @Test
  void aTeacherProfileIsReadTrimmed() {
    ProfileInput input = teacher(data().put("name", " Alice ").put("email", " alice@example.com ")
      .put("bio", " Maths tutor ").put("topics", new JsonArray().add(" Calculus ").add("Python")));
    assertEquals(new ProfileInput("alice", Role.TEACHER, "Alice", "alice@example.com", "Maths tutor",
      List.of("Calculus", "Python"), null), input);
  }

  @Test
  void theBioAndTopicsMayBeLeftOut() {
    ProfileInput input = ProfileBodies.profile(body("student", data()));
    assertEquals(Role.STUDENT, input.role());
    assertEquals("", input.bio());
    assertEquals(List.of(), input.topics());
  }

  @Test
  void theUserIdIsAtMost128Characters() {
    String longest = "a".repeat(128);
    assertEquals(longest, ProfileBodies.profile(body("teacher", data()).put("user_id", longest)).userId());
    assertBodyRefused("user_id must be 1 to 128 characters", body("teacher", data()).put("user_id", longest + "a"));
  }

  @Test
  void theRoleIsStudentOrTeacher() {
    assertBodyRefused("role must be student or teacher", body("admin", data()));
    assertBodyRefused("role must be student or teacher", body("Teacher", data()));
    assertEquals(List.of("student", "teacher"), List.of(Role.STUDENT.wire(), Role.TEACHER.wire()));
  }

  @Test
  void theNameIsRequiredAndAtMost100Characters() {
    assertBodyRefused("profile_data is required", new JsonObject().put("user_id", "alice").put("role", "teacher"));
    assertRefused("profile_data.name is required", data().put("name", " "));
    assertEquals(100, teacher(data().put("name", "n".repeat(100))).name().length());
    assertRefused("profile_data.name must be 1 to 100 characters", data().put("name", "n".repeat(101)));
  }

  @Test
  void theEmailIsAnAddressOfAtMost254Characters() {
    for (String email : List.of("a@b.co", "sam.o'brien+tutor@mail.example.org")) {
      assertEquals(email, teacher(data().put("email", email)).email());
    }
    for (String email : List.of("alice", "alice@example", "alice@@example.com", "al ice@example.com", "alice@.com",
      "alice@example..com", "@example.com", "alice@example.com.")) {
      assertRefused("profile_data.email is not an email address", data().put("email", email));
    }
    String longest = "a".repeat(254 - "@example.com".length()) + "@example.com";
    assertEquals(longest, teacher(data().put("email", longest)).email());
    assertRefused("profile_data.email must be 3 to 254 characters", data().put("email", "a" + longest));
    assertRefused("profile_data.email must be 3 to 254 characters", data().put("email", "a@"));
  }

  @Test
  void theBioIsAtMost2000Characters() {
    assertEquals(2000, teacher(data().put("bio", "b".repeat(2000))).bio().length());
    assertRefused("profile_data.bio must be 0 to 2000 characters", data().put("bio", "b".repeat(2001)));
    assertRefused("profile_data.bio must be a string", data().put("bio", 7));
  }

  @Test
  void repeatedTopicsAreDroppedIgnoringCaseInTheOrderGiven() {
    ProfileInput input = teacher(data().put("topics", new JsonArray().add("Python").add("Calculus").add("python ").add("CALCULUS")));
    assertEquals(List.of("Python", "Calculus"), input.topics());
  }

  @Test
  void aTeacherListsAtMost20TopicsOfAtMost50Characters() {
    JsonArray twenty = new JsonArray(IntStream.range(0, 20).mapToObj(i -> (Object) ("topic " + i)).toList());
    assertEquals(20, teacher(data().put("topics", twenty)).topics().size());
    assertRefused("profile_data.topics holds at most 20 topics", data().put("topics", twenty.copy().add("one more")));
    assertEquals(List.of("t".repeat(50)), teacher(data().put("topics", new JsonArray().add("t".repeat(50)))).topics());
    assertRefused("each of profile_data.topics must be 1 to 50 characters",
      data().put("topics", new JsonArray().add("t".repeat(51))));
    assertRefused("each of profile_data.topics must be 1 to 50 characters", data().put("topics", new JsonArray().add(" ")));
    assertRefused("profile_data.topics must be an array of strings", data().put("topics", new JsonArray().add(1)));
  }

  @Test
  void topicsAreForTeachersOnly() {
    assertBodyRefused("profile_data.topics is only for teachers",
      body("student", data().put("topics", new JsonArray().add("Python"))));
    assertEquals(List.of(), ProfileBodies.profile(body("student", data().put("topics", new JsonArray()))).topics());
  }
}
