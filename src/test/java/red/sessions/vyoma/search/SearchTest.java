package red.sessions.vyoma.search;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import red.sessions.vyoma.support.ServerTest;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.support.Api.assertError;
import static red.sessions.vyoma.support.Api.assertJson;
import static red.sessions.vyoma.support.Seed.madeUpWord;

/**
 * Teachers from other test classes share the database, so each test searches for made-up words of its
 * own and looks only at its own teachers in the results.
 */
class SearchTest extends ServerTest {


  private static JsonArray search(String query, String parameters) {
    String uri = "/search/teachers?topic=" + URLEncoder.encode(query, StandardCharsets.UTF_8) + parameters;
    var response = api.get(uri, server.token("searcher"));
    assertEquals(200, response.statusCode(), () -> "body: " + response.bodyAsString());
    return new JsonArray(response.bodyAsString());
  }

  private static JsonArray search(String query) {
    return search(query, "&limit=500");
  }

  private static List<String> ids(JsonArray results) {
    return results.stream().map(result -> ((JsonObject) result).getString("user_id")).toList();
  }

  /** The user ids of the results that are among the given teachers, in result order. */
  private static List<String> ours(JsonArray results, String... teachers) {
    Set<String> ours = Set.of(teachers);
    return ids(results).stream().filter(ours::contains).toList();
  }

  private static JsonObject resultFor(JsonArray results, String teacher) {
    return results.stream().map(JsonObject.class::cast)
      .filter(result -> result.getString("user_id").equals(teacher)).findFirst().orElseThrow();
  }

  private static String capitalized(String word) {
    return word.substring(0, 1).toUpperCase(Locale.ROOT) + word.substring(1);
  }

  /** The word with two neighbouring, different letters in its middle swapped: a typo. */
  private static String typo(String word) {
    for (int i = 4; i + 1 < word.length(); i++) {
      if (word.charAt(i) != word.charAt(i + 1)) {
        return word.substring(0, i) + word.charAt(i + 1) + word.charAt(i) + word.substring(i + 2);
      }
    }
    throw new IllegalArgumentException("no typo possible in " + word);
  }

  private static void saveProfile(String userId, String role, String... topics) {
    JsonObject data = new JsonObject().put("name", "Name of " + userId).put("email", userId + "@example.com")
      .put("topics", new JsonArray(List.of((Object[]) topics)));
    assertJson(api.post("/profiles", server.token(userId),
      new JsonObject().put("user_id", userId).put("role", role).put("profile_data", data)), 200);
  }

  @Test
  void anExactTopicComesBeforeAPartialWordAndATypoAndUnrelatedTopicsAreLeftOut() {
    String word = madeUpWord();
    String typoed = seed.teacher(capitalized(typo(word)));
    String unrelated = seed.teacher(capitalized(madeUpWord()));
    String longer = seed.teacher(capitalized(word) + "ology", "Cooking");
    String exact = seed.teacher("Cooking", capitalized(word));

    JsonArray results = search(word);
    assertEquals(List.of(exact, longer, typoed), ours(results, exact, longer, typoed, unrelated));

    JsonObject first = resultFor(results, exact);
    assertEquals(Set.of("user_id", "name", "bio", "topics", "rating", "reviews"), first.fieldNames());
    assertEquals("Name of " + exact, first.getString("name"));
    assertEquals("", first.getString("bio"));
    assertEquals(new JsonArray().add("Cooking").add(capitalized(word)), first.getJsonArray("topics"));
    assertTrue(first.containsKey("rating"));
    assertNull(first.getValue("rating"), "no reviews, no rating");
    assertEquals(0, first.getInteger("reviews"));
  }

  @Test
  void typosAndPartialWordsFindRealTopics() {
    String python = seed.teacher("Python");
    String calculus = seed.teacher("Calculus");
    assertEquals(List.of(python), ours(search("pyhton"), python, calculus));
    assertEquals(List.of(calculus), ours(search("calc"), python, calculus));
    assertEquals(List.of(calculus), ours(search("calculsu"), python, calculus));
  }

  @Test
  void matchingIgnoresCaseAndSurroundingSpaces() {
    String word = madeUpWord();
    String teacher = seed.teacher(word.toUpperCase(Locale.ROOT));
    for (String query : List.of(word, capitalized(word), "  " + word.toUpperCase(Locale.ROOT) + " ")) {
      assertEquals(List.of(teacher), ours(search(query), teacher), query);
    }
  }

  @Test
  void equallyGoodMatchesComeByRatingThenUnratedLast() {
    String topic = capitalized(madeUpWord());
    String unrated = seed.teacher(topic);
    String three = seed.teacher(topic);
    String five = seed.teacher(topic);
    String fourAndAHalf = seed.teacher(topic);
    seed.rated(three, 2, 3);
    seed.rated(five, 2, 5);
    seed.rated(fourAndAHalf, 2, 4);
    seed.rated(fourAndAHalf, 4, 5);

    JsonArray results = search(topic);
    assertEquals(List.of(five, fourAndAHalf, three, unrated), ours(results, unrated, three, five, fourAndAHalf));
    assertEquals(4.5, resultFor(results, fourAndAHalf).getDouble("rating"));
    assertEquals(2, resultFor(results, fourAndAHalf).getInteger("reviews"));
    assertEquals(5.0, resultFor(results, five).getDouble("rating"));
    assertNull(resultFor(results, unrated).getValue("rating"));
  }

  @Test
  void resultsPageWithLimitAndOffset() {
    String topic = capitalized(madeUpWord());
    List<String> teachers = Stream.generate(() -> seed.teacher(topic)).limit(5).sorted().toList();

    assertEquals(teachers, ids(search(topic, "")));
    assertEquals(teachers.subList(0, 2), ids(search(topic, "&limit=2")));
    assertEquals(teachers.subList(2, 4), ids(search(topic, "&limit=2&offset=2")));
    assertEquals(teachers.subList(4, 5), ids(search(topic, "&limit=2&offset=4")));
    assertEquals(List.of(), ids(search(topic, "&offset=5")));
  }

  @Test
  void likeWildcardsInTheQueryMatchOnlyThemselves() {
    seed.teacher(capitalized(madeUpWord()));
    assertEquals(new JsonArray(), search("%%%"));
    assertEquals(new JsonArray(), search("___"));
  }

  @Test
  void aMissingBlankOrOverlongTopicAndABadPageAre400() {
    String token = server.token("searcher");
    assertError(api.get("/search/teachers", token), 400);
    assertError(api.get("/search/teachers?topic=", token), 400);
    assertError(api.get("/search/teachers?topic=%20%20", token), 400);
    assertError(api.get("/search/teachers?topic=" + "a".repeat(101), token), 400);
    search("a".repeat(100), "");
    for (String page : List.of("limit=0", "limit=501", "limit=ten", "offset=-1")) {
      assertError(api.get("/search/teachers?topic=maths&" + page, token), 400);
    }
    assertError(api.get("/search/teachers?topic=maths", null), 401);
  }

  @Test
  void aTeacherWhoBecomesAStudentIsNoLongerFound() {
    String word = madeUpWord();
    String user = seed.teacher(capitalized(word));
    assertEquals(List.of(user), ours(search(word), user));
    saveProfile(user, "student");
    assertEquals(List.of(), ours(search(word), user));
  }

  @Test
  void aTeacherWhoChangesTopicsIsFoundByTheNewOnesOnly() {
    String before = madeUpWord();
    String after = madeUpWord();
    String teacher = seed.teacher(capitalized(before));
    saveProfile(teacher, "teacher", capitalized(after), "Chess");

    assertEquals(List.of(), ours(search(before), teacher));
    JsonArray results = search(after);
    assertEquals(List.of(teacher), ours(results, teacher));
    assertEquals(new JsonArray().add(capitalized(after)).add("Chess"), resultFor(results, teacher).getJsonArray("topics"));
  }
}
