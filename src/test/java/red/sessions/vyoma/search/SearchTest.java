package red.sessions.vyoma.search;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import red.sessions.vyoma.support.ServerTest;
import red.sessions.vyoma.support.TestServer;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.support.Api.assertError;
import static red.sessions.vyoma.support.Api.assertJson;
import static red.sessions.vyoma.support.Seed.madeUpWord;

/**
 * Teachers from other test classes share the database, so each test searches for made-up words of its
 * own and looks only at its own teachers in the results. The tests of the thresholds ask PostgreSQL how
 * alike their topics and queries are, so they check that each pair really is on the side of a threshold
 * it means to be.
 */
class SearchTest extends ServerTest {

  /** The thresholds the API guide promises: pg_trgm similarity of the whole topic, word similarity within it. */
  private static final double SIMILARITY = 0.2;
  private static final double WORD_SIMILARITY = 0.6;

  private static Pool database;

  @BeforeAll
  static void connectToTheDatabase() {
    database = PgBuilder.pool().connectingTo(TestServer.sharedDatabaseUrl()).using(server.vertx()).build();
  }

  @AfterAll
  static void disconnectFromTheDatabase() {
    database.close().await();
  }

  /** pg_trgm's measures of a query against a topic, as the search takes them, and whether the topic contains it. */
  private record Likeness(double similarity, double wordSimilarity, boolean contains) {

    boolean bySimilarity() {
      return similarity >= SIMILARITY;
    }

    boolean byWordSimilarity() {
      return wordSimilarity >= WORD_SIMILARITY;
    }

    /** The score the search ranks by. */
    double score() {
      return Math.max(similarity, wordSimilarity);
    }
  }

  /** The search's own expressions: the topic's key is its lower case, and the LIKE pattern is the query's. */
  private static Likeness likeness(String query, String topic) {
    Row row = database.preparedQuery("""
        SELECT similarity(lower($2), lower($1)) AS similarity, word_similarity(lower($1), lower($2)) AS word_similarity,
               strpos(lower($2), lower($1)) > 0 AS contains""")
      .execute(Tuple.of(query, topic)).await().iterator().next();
    return new Likeness(row.getDouble("similarity"), row.getDouble("word_similarity"), row.getBoolean("contains"));
  }

  /**
   * A made-up word of different letters, and the letters it lacks. Topics padded with those share with
   * the word exactly the trigrams a test builds in, so the test decides how alike they are.
   */
  private record Letters(String word, String others) {

    static Letters madeUp(int length) {
      String letters = shuffled("abcdefghijklmnopqrstuvwxyz");
      return new Letters(letters.substring(0, length), letters.substring(length));
    }

    static Letters madeUp() {
      return madeUp(10);
    }

    /** So many of the letters the word lacks, each once: no trigram in common with the word, nor with itself. */
    String padding(int length) {
      return shuffled(others).substring(0, length);
    }

    private static String shuffled(String letters) {
      List<String> shuffled = new ArrayList<>(letters.chars().mapToObj(Character::toString).toList());
      Collections.shuffle(shuffled);
      return String.join("", shuffled);
    }
  }

  private static void assertWithin(double lowest, double belowThis, double measure, String what) {
    assertTrue(lowest <= measure && measure < belowThis, () -> what + " is " + measure + ", not in [" + lowest + ", " + belowThis + ")");
  }

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
  void aTopicJustAsSimilarAsTheThresholdIsFoundAndOneJustLessSimilarIsNot() {
    // Both topics begin with the query's first five letters (5 of its 11 trigrams, far from the word
    // similarity); two more letters of padding take the whole topic from 5/24 to 5/26 alike.
    Letters letters = Letters.madeUp();
    String query = letters.word();
    String above = capitalized(query.substring(0, 5) + letters.padding(12));
    String below = capitalized(query.substring(0, 5) + letters.padding(14));
    Likeness justAbove = likeness(query, above);
    Likeness justBelow = likeness(query, below);
    assertWithin(SIMILARITY, SIMILARITY + 0.01, justAbove.similarity(), above);
    assertWithin(SIMILARITY - 0.01, SIMILARITY, justBelow.similarity(), below);
    for (Likeness likeness : List.of(justAbove, justBelow)) {
      assertFalse(likeness.byWordSimilarity() || likeness.contains(), likeness::toString);
    }

    String found = seed.teacher(above);
    String notFound = seed.teacher(below);
    assertEquals(List.of(found), ours(search(query), found, notFound));
  }

  @Test
  void aQueryJustAsSimilarAsTheThresholdToAWordOfATopicFindsItAndOneJustLessSimilarDoesNot() {
    // The topics' first words are the query's first nine letters (9 of its 14 trigrams) or eight (8 of
    // 14); padding words make the whole topics far less alike than the similarity threshold.
    Letters letters = Letters.madeUp(13);
    String query = letters.word();
    String padding = " " + letters.padding(12) + " " + letters.padding(12) + " " + letters.padding(12);
    String above = capitalized(query.substring(0, 9)) + padding;
    String below = capitalized(query.substring(0, 8)) + padding;
    Likeness justAbove = likeness(query, above);
    Likeness justBelow = likeness(query, below);
    assertWithin(WORD_SIMILARITY, WORD_SIMILARITY + 0.05, justAbove.wordSimilarity(), above);
    assertWithin(WORD_SIMILARITY - 0.05, WORD_SIMILARITY, justBelow.wordSimilarity(), below);
    for (Likeness likeness : List.of(justAbove, justBelow)) {
      assertFalse(likeness.bySimilarity() || likeness.contains(), likeness::toString);
    }

    String found = seed.teacher(above);
    String notFound = seed.teacher(below);
    assertEquals(List.of(found), ours(search(query), found, notFound));
  }

  @Test
  void aTopicThatContainsTheQueryIsFoundInAnyCaseThoughNeitherSimilarityWouldFindIt() {
    // Four letters from the middle of the word share two of its trigrams: as "chem" finds "Biochemistry".
    Letters letters = Letters.madeUp();
    String topic = capitalized(letters.word());
    String query = letters.word().substring(3, 7);
    Likeness likeness = likeness(query, topic);
    assertTrue(likeness.contains() && !likeness.bySimilarity() && !likeness.byWordSimilarity(), likeness::toString);

    String teacher = seed.teacher(topic);
    for (String asked : List.of(query, query.toUpperCase(Locale.ROOT), capitalized(query))) {
      assertEquals(List.of(teacher), ours(search(asked), teacher), asked);
    }
  }

  @Test
  void aQueryUnderThreeLettersFindsTheStartOfAWordButNotItsMiddle() {
    Letters letters = Letters.madeUp();
    String word = letters.word();
    String start = word.substring(0, 2);
    String middle = word.substring(3, 5);
    String threeInTheMiddle = word.substring(3, 6);
    Likeness startLikeness = likeness(start, word);
    assertTrue(startLikeness.byWordSimilarity() && !startLikeness.bySimilarity(), startLikeness::toString);
    for (String contained : List.of(middle, threeInTheMiddle)) {
      Likeness likeness = likeness(contained, word);
      assertTrue(likeness.contains() && !likeness.bySimilarity() && !likeness.byWordSimilarity(), likeness::toString);
    }

    String teacher = seed.teacher(capitalized(word));
    assertEquals(List.of(teacher), ours(search(start), teacher), "two letters beginning the word are 2/3 of its start");
    assertEquals(List.of(), ours(search(middle), teacher), "two letters are too short to be looked for inside a word");
    assertEquals(List.of(teacher), ours(search(threeInTheMiddle), teacher), "three letters are looked for inside");
  }

  @Test
  void theQueryAsAWholeWordOfATopicTiesWithTheExactTopicAndTiesGoByRatingAfterTheBetterMatch() {
    Letters letters = Letters.madeUp();
    String query = letters.word();
    String exactTopic = capitalized(query);
    String firstWordTopic = capitalized(query) + " " + letters.padding(8);
    String lastWordTopic = capitalized(letters.padding(8)) + " " + query;
    String partialTopic = capitalized(query.substring(0, 7));
    for (String topic : List.of(exactTopic, firstWordTopic, lastWordTopic)) {
      assertEquals(1.0, likeness(query, topic).score(), topic);
    }
    assertTrue(likeness(query, partialTopic).score() < 1, partialTopic);

    String exact = seed.teacher(exactTopic);
    String firstWord = seed.teacher(firstWordTopic);
    String lastWord = seed.teacher(lastWordTopic);
    String partial = seed.teacher(partialTopic);
    seed.rated(firstWord, 2, 3);
    seed.rated(lastWord, 2, 5);
    seed.rated(partial, 2, 5);

    assertEquals(List.of(lastWord, firstWord, exact, partial), ours(search(query), exact, firstWord, lastWord, partial));
  }

  @Test
  void aTopicThatContainsTheQueryAndFillsThePageStillComesAfterABetterThoughLooserMatch() {
    // A digit leads the three-character query, so that no other test's topic (letters only) matches it. One topic
    // holds the query inside a longer word (found as a substring, by neither similarity: it scores low) and has as
    // many teachers as the page has room for; another is the query's first two characters: alike enough to match,
    // and a better match, though not a good one (both similarities below 0.6).
    Letters letters = Letters.madeUp();
    String query = "7" + letters.word().substring(0, 2);
    String containing = capitalized(letters.padding(3) + query + letters.padding(3));
    String beginning = query.substring(0, 2);
    Likeness inside = likeness(query, containing);
    Likeness looser = likeness(query, beginning);
    assertTrue(inside.contains() && !inside.bySimilarity() && !inside.byWordSimilarity(), inside::toString);
    assertTrue(looser.bySimilarity() && !looser.byWordSimilarity() && !looser.contains(), looser::toString);
    assertTrue(inside.score() < looser.score() && looser.similarity() < WORD_SIMILARITY, looser::toString);

    List<String> holding = Stream.generate(() -> seed.teacher(containing)).limit(2).sorted().toList();
    String better = seed.teacher(beginning);
    assertEquals(List.of(better, holding.get(0)), ids(search(query, "&limit=2")));
    assertEquals(List.of(better, holding.get(0), holding.get(1)), ids(search(query, "")));
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
  void aRatedTeacherWhoTakesUpATopicRanksByTheirRatingAmongItsTeachers() {
    String topic = capitalized(madeUpWord());
    String unrated = seed.teacher(topic);
    String three = seed.teacher(topic);
    String newcomer = seed.teacher("Chess");
    seed.rated(three, 2, 3);
    seed.rated(newcomer, 2, 4);

    saveProfile(newcomer, "teacher", "Chess", topic);
    assertEquals(List.of(newcomer, three, unrated), ours(search(topic), unrated, three, newcomer));
    assertEquals(List.of(newcomer), ids(search(topic, "&limit=1")));
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
  void aLaterPageReachesPastTheBestMatchesAndATeacherWithTwoMatchingTopicsComesOnceByTheBetter() {
    // Three teachers have the query as a topic, two only its first seven letters; one of the three has both.
    Letters letters = Letters.madeUp();
    String query = letters.word();
    String exactTopic = capitalized(query);
    String partialTopic = capitalized(query.substring(0, 7));
    assertTrue(likeness(query, partialTopic).score() < 1, partialTopic);
    List<String> exact = Stream.of(seed.teacher(exactTopic), seed.teacher(exactTopic), seed.teacher(partialTopic, exactTopic))
      .sorted().toList();
    List<String> partial = Stream.generate(() -> seed.teacher(partialTopic)).limit(2).sorted().toList();
    List<String> all = Stream.concat(exact.stream(), partial.stream()).toList();

    assertEquals(all, ids(search(query, "")));
    assertEquals(all.subList(0, 2), ids(search(query, "&limit=2")));
    assertEquals(all.subList(2, 4), ids(search(query, "&limit=2&offset=2")), "the last best match, then the next best");
    assertEquals(all.subList(3, 5), ids(search(query, "&limit=3&offset=3")));
    assertEquals(List.of(), ids(search(query, "&offset=" + Integer.MAX_VALUE)));
  }

  @Test
  void teachersWhoLeaveATopicNoLongerCountForItAndTheOthersStillFillThePage() {
    // Two teachers have the query as a topic and one its beginning. Once one of the two has changed topics and
    // the other has become a student, the best match left is the teacher with the beginning: a page of two
    // holds them both (the teacher who kept the topic, then them), however many once had the topic.
    Letters letters = Letters.madeUp();
    String query = letters.word();
    String exactTopic = capitalized(query);
    String partialTopic = capitalized(query.substring(0, 7));
    String stays = seed.teacher(exactTopic);
    String changes = seed.teacher(exactTopic);
    String leaves = seed.teacher(exactTopic);
    String partial = seed.teacher(partialTopic);
    assertEquals(List.of(changes, leaves, stays).stream().sorted().toList(), ids(search(query, "&limit=3")));

    saveProfile(changes, "teacher", "Chess");
    saveProfile(leaves, "student");
    assertEquals(List.of(stays, partial), ids(search(query, "&limit=2")));

    saveProfile(stays, "teacher", "Chess");
    assertEquals(List.of(partial), ids(search(query, "&limit=1")));
    saveProfile(changes, "teacher", exactTopic);
    assertEquals(List.of(changes, partial), ids(search(query, "&limit=2")), "a topic no teacher had any more, taken again");
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
