package red.sessions.vyoma.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import red.sessions.vyoma.search.SearchService;
import red.sessions.vyoma.search.TeacherMatch;

/** {@code /search/teachers}: the seed's list of teachers, each with their rating and number of reviews. */
final class SearchRoutes {

  private SearchRoutes() {
  }

  static void mount(Endpoints api, SearchService search) {
    api.get("/search/teachers", call -> search.teachers(call.requiredQuery("topic"), call.page())
      .map(teachers -> Reply.ok(new JsonArray(teachers.stream().map(SearchRoutes::json).toList()))));
  }

  private static JsonObject json(TeacherMatch teacher) {
    return new JsonObject()
      .put("user_id", teacher.userId())
      .put("name", teacher.name())
      .put("bio", teacher.bio())
      .put("topics", new JsonArray(teacher.topics()))
      .put("rating", teacher.rating())
      .put("reviews", teacher.reviews());
  }
}
