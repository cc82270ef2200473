package red.sessions.vyoma.files;

import org.junit.jupiter.api.Test;
import red.sessions.vyoma.support.Samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileNamesTest {

  @Test
  void aPlainNameIsKept() {
    assertEquals("Report-2030_v2.pdf", FileNames.sanitize("Report-2030_v2.pdf"));
  }

  @Test
  void onlyTheLastPathElementIsKept() {
    assertEquals("passwd", FileNames.sanitize("../../etc/passwd"));
    assertEquals("cv.docx", FileNames.sanitize("C:\\Users\\sam\\cv.docx"));
    assertEquals("c.txt", FileNames.sanitize("a/b\\c.txt"));
    assertEquals("c.txt", FileNames.sanitize("a\\b/c.txt"));
  }

  @Test
  void otherCharactersBecomeOneUnderscore() {
    assertEquals("my_notes_1_.pdf", FileNames.sanitize("my notes (1).pdf"));
    assertEquals("a_b.txt", FileNames.sanitize("a _ b.txt"));
    assertEquals("r_sum_.pdf", FileNames.sanitize("résumé.pdf"));
  }

  @Test
  void aNameDoesNotStartWithADotOrAnUnderscore() {
    assertEquals("htaccess", FileNames.sanitize(".htaccess"));
    assertEquals("x.txt", FileNames.sanitize("._ x.txt"));
  }

  @Test
  void aNameWithNothingLeftIsFile() {
    assertEquals("file", FileNames.sanitize(""));
    assertEquals("file", FileNames.sanitize("dir/"));
    assertEquals("file", FileNames.sanitize("..."));
  }

  @Test
  void aLongNameIsCutTo100CharactersKeepingItsExtension() {
    assertEquals("a".repeat(100), FileNames.sanitize("a".repeat(100)));
    assertEquals("a".repeat(100), FileNames.sanitize("a".repeat(101)));
    assertEquals("a".repeat(96) + ".pdf", FileNames.sanitize("a".repeat(150) + ".pdf"));
    assertEquals("a".repeat(91) + ".abcdefgh", FileNames.sanitize("a".repeat(150) + ".abcdefgh"));
    assertEquals("a".repeat(91) + ".abcdefgh", FileNames.sanitize("a".repeat(91) + ".abcdefgh"));
  }

  @Test
  void anExtensionOfMoreThanNineCharactersIsNotKept() {
    String tail = ".abcdefghi";
    assertEquals("a".repeat(90) + tail, FileNames.sanitize("a".repeat(150) + tail));
    assertEquals("a".repeat(100), FileNames.sanitize("a".repeat(150) + tail + "j"));
  }

  @Test
  void aUserIdBecomesOneLowerCaseKeySegment() {
    assertEquals("sam.o-brien_2", FileNames.segment("sam.o-brien_2"));
    assertEquals("sam_o_brien", FileNames.segment("Sam O'Brien"));
    assertEquals("auth0_abc", FileNames.segment("auth0|abc"));
    assertEquals("x", FileNames.segment("../x"));
  }

  @Test
  void aUserIdSegmentIsAtMost64Characters() {
    assertEquals("u".repeat(64), FileNames.segment("u".repeat(64)));
    assertEquals("u".repeat(64), FileNames.segment("U".repeat(65)));
  }

  @Test
  void aUserIdWithNothingLeftIsUser() {
    assertEquals("user", FileNames.segment("._"));
    assertEquals("user", FileNames.segment(""));
  }

  @Test
  void anyNameBecomesOneSafePathElement() {
    Samples.check(random -> {
      String safe = FileNames.sanitize(Samples.string(random));
      assertTrue(safe.matches("[A-Za-z0-9-][A-Za-z0-9._-]{0,99}"), safe);
      assertFalse(safe.contains("__"), safe);
    });
  }

  @Test
  void anyUserIdBecomesOneSafeSegment() {
    Samples.check(random -> {
      String safe = FileNames.segment(Samples.string(random));
      assertTrue(safe.matches("[a-z0-9-][a-z0-9._-]{0,63}"), safe);
    });
  }
}
