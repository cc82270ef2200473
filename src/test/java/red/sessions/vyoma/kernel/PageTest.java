package red.sessions.vyoma.kernel;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static red.sessions.vyoma.kernel.TimesTest.assertBadRequest;

class PageTest {

  private static Page page(JsonObject query) {
    return Page.of(query.getString("limit"), query.getString("offset"));
  }

  @Test
  void withoutParametersAPageIsTheFirst100() {
    assertEquals(new Page(100, 0), page(new JsonObject()));
  }

  @Test
  void aStatementGetsThePageAsItsLimitAndOffsetAndAddsItsOwnParameters() {
    Map<String, Object> params = new Page(20, 40).params();
    assertEquals(Map.of("limit", 20, "offset", 40), params);
    params.put("teacher_id", "alice");
    assertEquals(Map.of("limit", 20, "offset", 40), new Page(20, 40).params());
  }

  @Test
  void limitAndOffsetAreRead() {
    assertEquals(new Page(20, 40), page(new JsonObject().put("limit", "20").put("offset", "40")));
  }

  @Test
  void theLimitRunsFrom1To500() {
    assertEquals(1, page(new JsonObject().put("limit", "1")).limit());
    assertEquals(500, page(new JsonObject().put("limit", "500")).limit());
    assertBadRequest("limit must be a whole number from 1 to 500", () -> page(new JsonObject().put("limit", "0")));
    assertBadRequest("limit must be a whole number from 1 to 500", () -> page(new JsonObject().put("limit", "501")));
  }

  @Test
  void theOffsetIsNotNegative() {
    assertEquals(0, page(new JsonObject().put("offset", "0")).offset());
    assertEquals(Integer.MAX_VALUE, page(new JsonObject().put("offset", String.valueOf(Integer.MAX_VALUE))).offset());
    assertBadRequest("offset must be a whole number from 0 to 2147483647", () -> page(new JsonObject().put("offset", "-1")));
  }

  @Test
  void aNumberIsWrittenInDigits() {
    assertBadRequest("limit must be a whole number from 1 to 500", () -> page(new JsonObject().put("limit", "ten")));
    assertBadRequest("limit must be a whole number from 1 to 500", () -> page(new JsonObject().put("limit", "2.5")));
    assertBadRequest("offset must be a whole number from 0 to 2147483647",
      () -> page(new JsonObject().put("offset", "2147483648")));
  }
}
