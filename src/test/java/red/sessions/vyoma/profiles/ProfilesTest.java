package red.sessions.vyoma.profiles;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import red.sessions.vyoma.support.ServerTest;
import red.sessions.vyoma.support.Wait;

import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.support.Api.assertError;
import static red.sessions.vyoma.support.Api.assertJson;

class ProfilesTest extends ServerTest {


  static String newUser() {
    return "user-" + UUID.randomUUID();
  }

  static JsonObject teacher(String userId) {
    return new JsonObject()
      .put("user_id", userId)
      .put("role", "teacher")
      .put("profile_data", new JsonObject()
        .put("name", "Ada Lovelace")
        .put("email", "ada@example.com")
        .put("bio", "Mathematics, patiently.")
        .put("topics", new JsonArray().add("Calculus").add("Python")));
  }

  @Test
  void createdProfileIsReadBackAsWritten() {
    String user = newUser();
    JsonObject created = assertJson(api.post("/profiles", server.token(user), teacher(user)), 201);
    assertEquals("Profile created successfully", created.getString("message"));
    UUID.fromString(created.getString("profile_id"));

    JsonObject profile = assertJson(api.get("/profiles?user_id=" + user, server.token(user)), 200).getJsonObject("profile");
    assertEquals(user, profile.getString("user_id"));
    assertEquals("teacher", profile.getString("role"));
    assertEquals("Ada Lovelace", profile.getString("name"));
    assertEquals("ada@example.com", profile.getString("email"));
    assertEquals("Mathematics, patiently.", profile.getString("bio"));
    assertEquals(new JsonArray().add("Calculus").add("Python"), profile.getJsonArray("topics"));
    assertTrue(profile.getString("created_at").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
    assertEquals(profile.getString("created_at"), profile.getString("updated_at"));
  }

  @Test
  void updateKeepsCreatedAtMovesUpdatedAtAndKeepsTheProfileId() {
    String user = newUser();
    String token = server.token(user);
    String profileId = assertJson(api.post("/profiles", token, teacher(user)), 201).getString("profile_id");
    JsonObject before = assertJson(api.get("/profiles?user_id=" + user, token), 200).getJsonObject("profile");
    Wait.sleep(5);

    JsonObject change = teacher(user);
    change.getJsonObject("profile_data").put("name", "Ada King").put("topics", new JsonArray().add("Analysis"));
    JsonObject updated = assertJson(api.post("/profiles", token, change), 200);
    assertEquals("Profile updated successfully", updated.getString("message"));
    assertEquals(profileId, updated.getString("profile_id"));

    JsonObject after = assertJson(api.get("/profiles?user_id=" + user, token), 200).getJsonObject("profile");
    assertEquals("Ada King", after.getString("name"));
    assertEquals(new JsonArray().add("Analysis"), after.getJsonArray("topics"));
    assertEquals(before.getString("created_at"), after.getString("created_at"));
    assertTrue(after.getString("updated_at").compareTo(before.getString("updated_at")) > 0);
  }

  @Test
  void anotherUserSeesTheProfileWithoutItsEmail() {
    String user = newUser();
    assertJson(api.post("/profiles", server.token(user), teacher(user)), 201);

    JsonObject seen = assertJson(api.get("/profiles?user_id=" + user, server.token(newUser())), 200).getJsonObject("profile");
    assertEquals("Ada Lovelace", seen.getString("name"));
    assertFalse(seen.containsKey("email"), seen::encode);

    JsonObject seenByAdmin = assertJson(api.get("/profiles?user_id=" + user, server.adminToken(newUser())), 200)
      .getJsonObject("profile");
    assertEquals("ada@example.com", seenByAdmin.getString("email"));
  }

  @Test
  void writingSomeoneElsesProfileIsForbiddenAndChangesNothing() {
    String owner = newUser();
    assertJson(api.post("/profiles", server.token(owner), teacher(owner)), 201);
    JsonObject hijack = teacher(owner);
    hijack.getJsonObject("profile_data").put("name", "Mallory");

    assertError(api.post("/profiles", server.token(newUser()), hijack), 403);

    JsonObject profile = assertJson(api.get("/profiles?user_id=" + owner, server.token(owner)), 200).getJsonObject("profile");
    assertEquals("Ada Lovelace", profile.getString("name"));
  }

  @Test
  void anAdminMayWriteAnyonesProfile() {
    String user = newUser();
    assertJson(api.post("/profiles", server.adminToken(newUser()), teacher(user)), 201);
    assertJson(api.get("/profiles?user_id=" + user, server.token(user)), 200);
  }

  @Test
  void unknownUserIs404() {
    JsonObject error = assertError(api.get("/profiles?user_id=" + newUser(), server.token(newUser())), 404);
    assertEquals("not_found", error.getString("error"));
  }

  @Test
  void missingUserIdQueryIs400() {
    assertError(api.get("/profiles", server.token(newUser())), 400);
  }

  @Test
  void studentsHaveNoTopics() {
    String user = newUser();
    JsonObject student = teacher(user).put("role", "student");
    student.getJsonObject("profile_data").remove("topics");
    assertJson(api.post("/profiles", server.token(user), student), 201);
    JsonObject profile = assertJson(api.get("/profiles?user_id=" + user, server.token(user)), 200).getJsonObject("profile");
    assertEquals("student", profile.getString("role"));
    assertEquals(new JsonArray(), profile.getJsonArray("topics"));
  }

  static Stream<Consumer<JsonObject>> invalidBodies() {
    return Stream.of(
      body -> body.remove("user_id"),
      body -> body.put("user_id", 42),
      body -> body.put("role", "principal"),
      body -> body.remove("role"),
      body -> body.remove("profile_data"),
      body -> body.put("profile_data", "Ada"),
      body -> data(body).remove("name"),
      body -> data(body).put("name", "   "),
      body -> data(body).put("name", "x".repeat(101)),
      body -> data(body).put("name", 7),
      body -> data(body).remove("email"),
      body -> data(body).put("email", "not-an-email"),
      body -> data(body).put("email", "a@b"),
      body -> data(body).put("email", "x".repeat(250) + "@example.com"),
      body -> data(body).put("bio", "x".repeat(2001)),
      body -> data(body).put("bio", new JsonObject()),
      body -> data(body).put("topics", "Calculus"),
      body -> data(body).put("topics", new JsonArray().add(3)),
      body -> data(body).put("topics", new JsonArray().add("")),
      body -> data(body).put("topics", new JsonArray().add("x".repeat(51))),
      body -> data(body).put("topics", new JsonArray(Stream.generate(() -> "t" + UUID.randomUUID()).limit(21).toList())),
      body -> body.put("role", "student"));
  }

  private static JsonObject data(JsonObject body) {
    return body.getJsonObject("profile_data");
  }

  @ParameterizedTest
  @MethodSource("invalidBodies")
  void invalidFieldIs400AndStoresNothing(Consumer<JsonObject> breakIt) {
    String user = newUser();
    JsonObject body = teacher(user);
    breakIt.accept(body);
    JsonObject error = assertError(api.post("/profiles", server.token(user), body), 400);
    assertEquals("bad_request", error.getString("error"));
    assertNotEquals("the request is not valid", error.getString("message"), "the message names the problem");
    assertError(api.get("/profiles?user_id=" + user, server.token(user)), 404);
  }
}
