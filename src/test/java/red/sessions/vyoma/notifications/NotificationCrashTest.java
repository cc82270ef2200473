package red.sessions.vyoma.notifications;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import org.junit.jupiter.api.Test;
import red.sessions.vyoma.support.Node;
import red.sessions.vyoma.support.StallingSmtpServer;
import red.sessions.vyoma.support.TestServer;
import red.sessions.vyoma.support.Wait;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static red.sessions.vyoma.support.Api.assertJson;
import static red.sessions.vyoma.support.Seed.bookingBody;
import static red.sessions.vyoma.support.Seed.hoursAhead;
import static red.sessions.vyoma.support.Seed.times;

/**
 * A node killed (SIGKILL) with emails claimed and mid-send: another node, sending to a working mail server, sends
 * each of them once their lease (three timeouts) has run out, and the rest at once; none is lost, none sent twice.
 * The first node's mail server accepts its connections and never answers, so the node holds its claims until it
 * dies, whatever the machine's speed.
 */
class NotificationCrashTest {

  private static final int LESSONS = 5;

  private static Map<String, String> mailTo(int port) {
    Map<String, String> env = Node.alone();
    env.putAll(Map.of(
      "VYOMA_MAIL_PROVIDER", "smtp",
      "VYOMA_MAIL_HOST", "127.0.0.1",
      "VYOMA_MAIL_PORT", String.valueOf(port),
      "VYOMA_MAIL_STARTTLS", "disabled",
      "VYOMA_MAIL_FROM", "Vyoma <lessons@vyoma.test>",
      "VYOMA_MAIL_MAX_IN_FLIGHT", "2",
      "VYOMA_MAIL_RETRY_BASE_SECONDS", "1",
      "VYOMA_MAIL_TIMEOUT_SECONDS", "5",
      "VYOMA_NOTIFICATIONS_POLL_SECONDS", "1"));
    return env;
  }

  @Test
  void everyEmailClaimedByANodeKilledMidSendIsSentOnceByAnother() {
    ServerSetup working = new ServerSetup(TestServer.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
    GreenMail mail = new GreenMail(working);
    mail.start();
    Node first = null;
    Node second = null;
    try (StallingSmtpServer stalling = StallingSmtpServer.start()) {
      first = Node.start("mail-crash", mailTo(stalling.port())).awaitReady(1);
      Node node = first;
      String teacher = user(node, "teacher");
      assertJson(node.api().post("/availability", node.token(teacher), times(hoursAhead(2), hoursAhead(2 + LESSONS))
        .put("teacher_id", teacher)), 201);
      Map<String, String> bookings = new HashMap<>();
      IntStream.range(0, LESSONS).forEach(i -> {
        String student = user(node, "student");
        bookings.put(assertJson(node.api().post("/bookings", node.token(student),
          bookingBody(student, teacher, hoursAhead(2 + i), hoursAhead(3 + i))), 201).getString("booking_id"), student);
      });

      // Two (mail.max_in_flight) of ours claimed and waiting for the mail server's greeting when the node dies.
      String admin = node.adminToken("admin");
      Map<String, JsonObject> before = Wait.eventually(Duration.ofSeconds(60), Duration.ofMillis(100),
        () -> requests(node, admin, bookings.keySet().stream().toList()),
        record -> stalling.connections() == 2 && claimed(record).size() == 2, record -> "record: " + record);
      first.kill();
      List<String> midSend = claimed(before);

      second = Node.start("mail-after-crash", mailTo(working.getPort())).awaitReady(1);
      Node after = second;
      String adminAfter = after.adminToken("admin");
      Map<String, JsonObject> sent = Wait.eventually(Duration.ofSeconds(60), Duration.ofMillis(200),
        () -> requests(after, adminAfter, bookings.keySet().stream().toList()),
        record -> record.values().stream().allMatch(n -> "sent".equals(n.getString("status"))), record -> "record: " + record);
      // Those mid-send were claimed again once, after their lease; the others once.
      sent.forEach((booking, email) -> assertEquals(midSend.contains(booking) ? 2 : 1, email.getInteger("attempts"),
        email::encode));
      Map<String, Long> received = Arrays.stream(mail.getReceivedMessages()).collect(Collectors.groupingBy(message -> {
        try {
          return message.getSubject() + " to " + message.getRecipients(Message.RecipientType.TO)[0];
        } catch (MessagingException e) {
          throw new IllegalStateException(e);
        }
      }, Collectors.counting()));
      bookings.values().forEach(student -> assertEquals(1L,
        received.get("Lesson request from Name of " + student + " to " + teacher + "@example.com"), received::toString));
    } finally {
      Node.kill(Arrays.asList(first, second));
      mail.stop();
    }
  }

  private static String user(Node node, String role) {
    String userId = role + "-" + UUID.randomUUID();
    assertJson(node.api().post("/profiles", node.token(userId), new JsonObject().put("user_id", userId).put("role", role)
      .put("profile_data", new JsonObject().put("name", "Name of " + userId).put("email", userId + "@example.com"))), 201);
    return userId;
  }

  /** Each booking's request email as its record shows it, by booking; absent while not yet queued. */
  private static Map<String, JsonObject> requests(Node node, String admin, List<String> bookings) {
    Map<String, JsonObject> record = new HashMap<>();
    for (String booking : bookings) {
      HttpResponse<Buffer> answer = node.api().get("/bookings/" + booking + "/notifications", admin);
      assertEquals(200, answer.statusCode(), answer::bodyAsString);
      JsonArray emails = answer.bodyAsJsonArray();
      if (!emails.isEmpty()) {
        record.put(booking, emails.getJsonObject(0));
      }
    }
    return record.size() == bookings.size() ? record : Map.of();
  }

  /** The bookings whose request a node has claimed and not yet recorded: counted an attempt, still scheduled. */
  private static List<String> claimed(Map<String, JsonObject> record) {
    return record.entrySet().stream().filter(e -> e.getValue().getInteger("attempts") == 1
      && "scheduled".equals(e.getValue().getString("status"))).map(Map.Entry::getKey).toList();
  }
}
