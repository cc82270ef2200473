package red.sessions.vyoma.externalcalendars;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import red.sessions.vyoma.support.CalendarServer;
import red.sessions.vyoma.support.ServerTest;
import red.sessions.vyoma.support.TestServer;
import red.sessions.vyoma.support.Wait;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.support.Api.assertError;
import static red.sessions.vyoma.support.Api.assertJson;

/**
 * Server-side request forgery through teachers' external calendars, with the default settings (no private
 * targets): only public https addresses are put, and each is checked again at every fetch, so an address that
 * has come to point inside (DNS changed since it was put) is refused, not read. {@code OutboundTargetsTest} holds
 * the whole table of addresses.
 */
class ExternalCalendarTargetsTest extends ServerTest {

  private static CalendarServer calendars;

  @BeforeAll
  void startCalendarServer() {
    calendars = new CalendarServer();
  }

  @AfterAll
  void stopCalendarServer() {
    calendars.close();
  }

  @Test
  void onlyPublicHttpsAddressesArePut() {
    String teacher = seed.teacher();
    List<String> refused = new ArrayList<>(List.of(
      "http://93.184.215.14/calendar.ics",
      "https://127.0.0.1/calendar.ics",
      "https://localhost/calendar.ics",
      "https://10.0.0.8/calendar.ics",
      "https://169.254.169.254/latest/meta-data/",
      "https://[::ffff:127.0.0.1]/calendar.ics"));
    refused.addAll(server.ownUrls("/calendar.ics"));
    for (String url : refused) {
      JsonObject error = assertError(api.send(HttpMethod.PUT, "/teachers/" + teacher + "/external-calendars",
        server.token(teacher), list(url)), 400);
      assertTrue(error.getString("message").startsWith("calendars[0].url"), () -> url + ": " + error);
    }
    assertEquals(new JsonArray(), assertJson(api.get("/teachers/" + teacher + "/external-calendars",
      server.token(teacher)), 200).getJsonArray("calendars"), "nothing refused was stored");
  }

  @Test
  void anAddressThatHasComeToPointInsideIsRefusedAtItsFetchAndNeverAsked() {
    String teacher = seed.teacher();
    String path = "/inside/" + UUID.randomUUID() + ".ics";
    calendars.serve(path, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nEND:VCALENDAR\r\n");
    String url = "https://" + calendars.url(path).substring("http://".length());
    // As if the address had been put while its host resolved to a public address, and it resolves inside now:
    // nothing but a fetch stands between it and the server.
    stored(teacher, url);
    String other = seed.teacher();
    assertJson(api.send(HttpMethod.PUT, "/teachers/" + other + "/external-calendars", server.token(other),
      new JsonObject().put("calendars", new JsonArray())), 200);

    JsonObject calendar = Wait.eventually(Duration.ofSeconds(30), Duration.ofMillis(50),
      () -> assertJson(api.get("/teachers/" + teacher + "/external-calendars", server.token(teacher)), 200)
        .getJsonArray("calendars").getJsonObject(0),
      listed -> listed.getString("last_fetched_at") != null, listed -> "never fetched: " + listed.encode());
    assertEquals("error", calendar.getString("status"), calendar::encode);
    assertEquals("refused address: url's host 127.0.0.1 resolves to 127.0.0.1, which is not a public (global unicast)"
      + " address", calendar.getString("error"));
    assertTrue(calendars.at(path).isEmpty(), "the server was never asked");
  }

  private static JsonObject list(String url) {
    return new JsonObject().put("calendars", new JsonArray().add(new JsonObject().put("url", url)));
  }

  /** The teacher's one external calendar, written straight into the test database (due at once). */
  private static void stored(String teacher, String url) {
    TestServer.changeOne("INSERT INTO external_calendars (teacher_id, position, url) VALUES (?, 0, ?)", teacher, url);
  }
}
