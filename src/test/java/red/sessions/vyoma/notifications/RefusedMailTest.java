package red.sessions.vyoma.notifications;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import red.sessions.vyoma.support.RefusingSmtpServer;
import red.sessions.vyoma.support.ServerTest;
import red.sessions.vyoma.support.Wait;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.support.Seed.hoursAhead;

/**
 * A mail server that refuses the recipient for good (550 at {@code RCPT TO}): the notification has failed at once,
 * with the server's answer recorded, and is never tried again, though retries would be a second apart.
 */
class RefusedMailTest extends ServerTest {

  private RefusingSmtpServer smtp;

  @Override
  protected Map<String, String> settings() {
    smtp = RefusingSmtpServer.start();
    return Map.of(
      "VYOMA_MAIL_PROVIDER", "smtp",
      "VYOMA_MAIL_HOST", "127.0.0.1",
      "VYOMA_MAIL_PORT", String.valueOf(smtp.port()),
      "VYOMA_MAIL_STARTTLS", "disabled",
      "VYOMA_MAIL_FROM", "Vyoma <lessons@vyoma.test>",
      "VYOMA_MAIL_RETRY_BASE_SECONDS", "1",
      "VYOMA_MAIL_TIMEOUT_SECONDS", "2",
      "VYOMA_NOTIFICATIONS_POLL_SECONDS", "1");
  }

  @AfterAll
  void stopSmtp() {
    smtp.close();
  }

  @Test
  void aRecipientTheMailServerRefusesFailsAtOnceWithItsAnswerAndIsNotTriedAgain() {
    String teacher = seed.teacher();
    String student = seed.student();
    seed.slot(teacher, hoursAhead(0), hoursAhead(2));
    String booking = seed.booking(student, teacher, hoursAhead(0), hoursAhead(1));

    JsonObject request = Wait.eventually(Duration.ofSeconds(30), Duration.ofMillis(200),
      () -> record(api.get("/bookings/" + booking + "/notifications", server.token(teacher))),
      n -> n != null && !"scheduled".equals(n.getString("status")), n -> "record: " + n);
    assertEquals("failed", request.getString("status"), request.encode());
    assertEquals(1, request.getInteger("attempts"), request.encode());
    assertTrue(request.getString("error").contains("550") && request.getString("error").contains("No such user here"),
      request.encode());
    // Asked once (the shared database may bring other classes' leftovers to this server too: only ours count).
    assertEquals(1, smtp.refused().stream().filter(("<" + teacher + "@example.com>")::equals).count(), smtp.refused()::toString);
  }

  private static JsonObject record(HttpResponse<Buffer> response) {
    assertEquals(200, response.statusCode(), response::bodyAsString);
    JsonArray record = response.bodyAsJsonArray();
    return record.isEmpty() ? null : record.getJsonObject(0);
  }
}
