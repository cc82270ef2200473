package red.sessions.vyoma.profiles;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.bus.ApiException;

import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ProfileInputTest {

  private static final Caller ALICE = new Caller("alice", false);

  private static JsonObject body(String role, JsonObject data) {
    return new JsonObject().put("user_id", "alice").put("role", role).put("profile_data", data);
  }

  private static JsonObject data() {
    return new JsonObject().put("name", "Alice").put("email", "alice@example.com");
  }

  private static ProfileInput teacher(JsonObject data) {
    return ProfileInput.parse(body("teacher", data), ALICE);
  }

  private static void assertRefused(int status, String message, JsonObject body, Caller caller) {
    ApiException e = assertThrows(ApiException.class, () -> ProfileInput.parse(body, caller));
    assertEquals(status, e.status());
    assertEquals(message, e.getMessage());
  }

  private static void assertRefused(String message, JsonObject data) {
    assertRefused(400, message, body("teacher", data), ALICE);
  }

  @Test
  void aTeacherProfileIsReadTrimmed() {
    ProfileInput input = teacher(data().put("name", " Alice ").put("email", " alice@example.com ")
      .put("bio", " Maths tutor ").put("topics", new JsonArray().add(" Calculus ").add("Python")));
    assertEquals(new ProfileInput("alice", Role.TEACHER, "Alice", "alice@example.com", "Maths tutor",
      List.of("Calculus", "Python")), input);
  }

  @Test
  void theBioAndTopicsMayBeLeftOut() {
    ProfileInput input = ProfileInput.parse(body("student", data()), ALICE);
    assertEquals(Role.STUDENT, input.role());
    assertEquals("", input.bio());
    assertEquals(List.of(), input.topics());
  }

  @Test
  void aProfileIsWrittenByItsOwnUserOrAnAdmin() {
    assertRefused(403, "a profile can only be written by its own user", body("teacher", data()), new Caller("sam", false));
    assertEquals("alice", ProfileInput.parse(body("teacher", data()), new Caller("root", true)).userId());
  }

  @Test
  void theUserIdIsAtMost128Characters() {
    String longest = "a".repeat(128);
    Caller admin = new Caller("root", true);
    assertEquals(longest, ProfileInput.parse(body("teacher", data()).put("user_id", longest), admin).userId());
    assertRefused(400, "user_id must be 1 to 128 characters", body("teacher", data()).put("user_id", longest + "a"), admin);
  }

  @Test
  void theRoleIsStudentOrTeacher() {
    assertRefused(400, "role must be student or teacher", body("admin", data()), ALICE);
    assertRefused(400, "role must be student or teacher", body("Teacher", data()), ALICE);
    assertEquals(List.of("student", "teacher"), List.of(Role.STUDENT.wire(), Role.TEACHER.wire()));
  }

  @Test
  void theNameIsRequiredAndAtMost100Characters() {
    assertRefused(400, "profile_data is required", new JsonObject().put("user_id", "alice").put("role", "teacher"), ALICE);
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
    assertRefused(400, "profile_data.topics is only for teachers",
      body("student", data().put("topics", new JsonArray().add("Python"))), ALICE);
    assertEquals(List.of(), ProfileInput.parse(body("student", data().put("topics", new JsonArray())), ALICE).topics());
  }
}
