package red.sessions.vyoma.kernel;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static red.sessions.vyoma.kernel.TimesTest.assertBadRequest;

class TextTest {

  @Test
  void aBoundedStringIsTrimmedAndMeasuredTrimmed() {
    assertEquals("Sam", Text.bounded("  Sam\n", "name", 3, 3));
    assertEquals("", Text.bounded("   ", "bio", 0, 5));
    assertBadRequest("name must be 4 to 10 characters", () -> Text.bounded(" Sam ", "name", 4, 10));
    assertBadRequest("name must be 1 to 2 characters", () -> Text.bounded(" Sam ", "name", 1, 2));
  }
}
