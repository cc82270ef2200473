package red.sessions.vyoma.auth;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CallerTest {

  private static final Caller SAM = new Caller("sam", false);
  private static final Caller ADMIN = new Caller("root", true);

  @Test
  void aUserActsForThemselfOnly() {
    assertTrue(SAM.actsFor("sam"));
    assertFalse(SAM.actsFor("alice"));
    assertFalse(SAM.actsFor(null));
  }

  @Test
  void anAdminActsForAnyone() {
    assertTrue(ADMIN.actsFor("alice"));
  }

  @Test
  void aPartyIsTheStudentOrTheTeacherOrAnAdmin() {
    assertTrue(SAM.isPartyTo("sam", "alice"));
    assertTrue(SAM.isPartyTo("alice", "sam"));
    assertTrue(SAM.isPartyTo("sam", null));
    assertTrue(SAM.isPartyTo(null, "sam"));
    assertFalse(SAM.isPartyTo("alice", "bob"));
    assertFalse(SAM.isPartyTo(null, null));
    assertTrue(ADMIN.isPartyTo("alice", "bob"));
    assertTrue(ADMIN.isPartyTo(null, null));
  }
}
