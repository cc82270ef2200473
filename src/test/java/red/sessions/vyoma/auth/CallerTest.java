package red.sessions.vyoma.auth;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    assertTrue(ADMIN.actsForOneOf("alice", "bob"));
    assertTrue(ADMIN.actsForOneOf());
  }

  @Test
  void aUserActsForAPairTheyBelongTo() {
    assertTrue(SAM.actsForOneOf("sam", "alice"));
    assertTrue(SAM.actsForOneOf("alice", "sam"));
    assertFalse(SAM.actsForOneOf("alice", "bob"));
    assertFalse(SAM.actsForOneOf("alice", null));
    assertFalse(SAM.actsForOneOf());
  }

  @Test
  void aCallerTravelsOverTheBusUnchanged() {
    assertEquals(new JsonObject().put("user_id", "root").put("admin", true), ADMIN.toJson());
    assertEquals(ADMIN, Caller.fromJson(ADMIN.toJson()));
    assertEquals(SAM, Caller.fromJson(SAM.toJson()));
  }

  @Test
  void aCallerWithoutTheAdminFlagIsNoAdmin() {
    assertEquals(SAM, Caller.fromJson(new JsonObject().put("user_id", "sam")));
  }
}
