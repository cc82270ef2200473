package red.sessions.vyoma.platform;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import red.sessions.vyoma.kernel.Ids;
import red.sessions.vyoma.support.Scrape;
import red.sessions.vyoma.support.Seed;
import red.sessions.vyoma.support.TestServer;
import red.sessions.vyoma.support.Wait;
import red.sessions.vyoma.support.WebhookReceiver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static red.sessions.vyoma.support.Api.assertError;
import static red.sessions.vyoma.support.Api.assertJson;
import static red.sessions.vyoma.support.Seed.hoursAhead;

/**
 * Nothing is kept forever by accident: the retention sweeps prune the outbox after {@code events.retention_days}, the
 * webhook delivery log after {@code webhooks.log_retention_days}, finished notifications and the log mailer's files
 * after {@code notifications.retention_days}; a reader whose cursor was pruned is told so (410). Rows are made old by
 * moving their times back in the database, as the periods are days.
 */
class RetentionTest {

  private static final Duration WITHIN = Duration.ofSeconds(20);
  private static final Duration EVERY = Duration.ofMillis(100);
  /** A sweep each second, so the tests wait for one round, not an hour. */
  private static final Map<String, String> SWEEP_EACH_SECOND = Map.of("VYOMA_RETENTION_SWEEP_INTERVAL_SECONDS", "1");

  @Test
  void eventsPastTheirPeriodArePrunedAndACursorNamingOneIsGone() {
    try (TestServer server = TestServer.start(SWEEP_EACH_SECOND)) {
      Seed seed = server.seed();
      String teacher = seed.teacher("Chemistry");
      String student = seed.student();
      seed.slot(teacher, hoursAhead(1), hoursAhead(6));
      String token = server.token(student);
      seed.booking(student, teacher, hoursAhead(1), hoursAhead(2));
      String old = onlyEvent(server, token, "").getString("id");
      seed.booking(student, teacher, hoursAhead(2), hoursAhead(3));
      seed.booking(student, teacher, hoursAhead(3), hoursAhead(4));
      List<JsonObject> kept = events(server, token, "?after=" + old);
      assertEquals(2, kept.size());

      // The outbox is pruned from its start: the student's first event, and everything before it, is 401 days old.
      update("UPDATE events SET created_at = now() - interval '401 days'"
        + " WHERE (txid, position) <= (SELECT txid, position FROM events WHERE id = ?::uuid)", old);
      Wait.eventually(WITHIN, EVERY, () -> count("SELECT count(*) FROM events WHERE id = ?::uuid", old) == 0,
        () -> "the event 401 days old is still there");

      assertEquals(kept, events(server, token, ""), "the events within the period are all kept");
      JsonObject gone = assertError(server.api().get("/events?after=" + old, token), 410);
      assertTrue(gone.getString("message").contains("GET /events without after"), gone::encode);
      HttpResponse<Buffer> stream = server.api().request(HttpMethod.GET, "/events/stream")
        .bearerTokenAuthentication(token).putHeader("Accept", "text/event-stream").putHeader("Last-Event-ID", old)
        .send().await();
      assertError(stream, 410);

      JsonObject next = assertJson(server.api().get("/events?limit=1&after=" + kept.get(0).getString("id"), token), 200);
      assertEquals(List.of(kept.get(1)), next.getJsonArray("events").stream().map(JsonObject.class::cast).toList());
      assertError(server.api().get("/events?after=" + Ids.timeOrdered(), token), 400);
      assertError(server.api().get("/events?after=" + UUID.randomUUID(), token), 400);
    }
  }

  @Test
  void finishedWebhookDeliveriesArePrunedAfterTheirPeriodAndPendingOnesStay() {
    try (WebhookReceiver receiver = new WebhookReceiver();
         TestServer server = TestServer.start(Map.of("VYOMA_RETENTION_SWEEP_INTERVAL_SECONDS", "1",
           "VYOMA_WEBHOOKS_ALLOW_PRIVATE_TARGETS", "true"))) {
      String admin = server.adminToken("retention-admin-" + UUID.randomUUID());
      String webhook = assertJson(server.api().post("/webhooks", admin, new JsonObject()
        .put("url", receiver.url("/retention")).put("events", new JsonArray().add("booking.created"))), 201).getString("id");
      Seed seed = server.seed();
      String teacher = seed.teacher("Chemistry");
      String student = seed.student();
      seed.slot(teacher, hoursAhead(1), hoursAhead(6));
      for (int hour = 1; hour <= 3; hour++) {
        seed.booking(student, teacher, hoursAhead(hour), hoursAhead(hour + 1));
      }
      List<String> deliveries = Wait.eventually(WITHIN, EVERY, () -> deliveries(server, admin, webhook, "?status=delivered"),
        delivered -> delivered.size() == 3, delivered -> "not all three were delivered: " + delivered);

      String finishedLongAgo = deliveries.get(0);
      String pendingLongAgo = deliveries.get(1);
      String finishedRecently = deliveries.get(2);
      update("UPDATE webhook_deliveries SET finished_at = now() - interval '31 days' WHERE id = ?::uuid", finishedLongAgo);
      update("UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = now() + interval '1 day', finished_at = NULL,"
        + " created_at = now() - interval '60 days', retry_from = now() - interval '60 days' WHERE id = ?::uuid", pendingLongAgo);
      Wait.eventually(WITHIN, EVERY, () -> !deliveries(server, admin, webhook, "").contains(finishedLongAgo),
        () -> "the delivery finished 31 days ago is still listed");

      assertEquals(List.of(pendingLongAgo, finishedRecently).stream().sorted().toList(),
        deliveries(server, admin, webhook, "").stream().sorted().toList());
      assertEquals(0, count("SELECT count(*) FROM webhook_attempts WHERE delivery_id = ?::uuid", finishedLongAgo),
        "its attempts went with it");
      // The database outlives this server: no later test's bookings are to be sent to a receiver that is gone.
      assertJson(server.api().send(HttpMethod.DELETE, "/webhooks/" + webhook, admin, null), 200);
    }
  }

  @Test
  void finishedNotificationsArePrunedAfterTheirPeriodAndScheduledOnesStay() {
    try (TestServer server = TestServer.start(Map.of("VYOMA_RETENTION_SWEEP_INTERVAL_SECONDS", "1",
      "VYOMA_NOTIFICATIONS_POLL_SECONDS", "1"))) {
      Seed seed = server.seed();
      String teacher = seed.teacher("Chemistry");
      String student = seed.student();
      seed.slot(teacher, hoursAhead(30), hoursAhead(32));
      String booking = seed.booking(student, teacher, hoursAhead(30), hoursAhead(31));
      assertJson(server.api().send(HttpMethod.PATCH, "/bookings/" + booking, server.token(teacher),
        new JsonObject().put("status", "confirmed")), 200);
      Wait.eventually(WITHIN, EVERY, () -> count("SELECT count(*) FROM notifications WHERE booking_id = ?::uuid"
          + " AND status = 'sent'", booking) == 2 && count("SELECT count(*) FROM notifications WHERE booking_id = ?::uuid"
          + " AND status = 'scheduled'", booking) > 0,
        () -> "the request and the confirmation were not sent, or no reminder scheduled");
      int scheduled = count("SELECT count(*) FROM notifications WHERE booking_id = ?::uuid AND status = 'scheduled'", booking);

      // Both emails sent 91 days ago; the reminders' due times 91 days back too, though still scheduled.
      update("UPDATE notifications SET due_at = now() - interval '91 days',"
        + " sent_at = CASE WHEN status = 'sent' THEN now() - interval '91 days' END WHERE booking_id = ?::uuid", booking);
      Wait.eventually(WITHIN, EVERY, () -> count("SELECT count(*) FROM notifications WHERE booking_id = ?::uuid"
        + " AND status = 'sent'", booking) == 0, () -> "the emails sent 91 days ago are still there");
      assertEquals(scheduled, count("SELECT count(*) FROM notifications WHERE booking_id = ?::uuid", booking),
        "every scheduled reminder stays");
    }
  }

  @Test
  void theLogMailersFilesPastTheirPeriodArePrunedAtStartAndCounted() throws IOException {
    Path dataDir = TestServer.temporaryDirectory();
    Path mail = Files.createDirectories(dataDir.resolve("mail"));
    Path old = Files.writeString(mail.resolve("old.eml"), "Subject: old\r\n\r\nsent long ago\r\n");
    Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(91, ChronoUnit.DAYS)));
    Path recent = Files.writeString(mail.resolve("recent.eml"), "Subject: recent\r\n\r\nsent lately\r\n");
    Files.setLastModifiedTime(recent, FileTime.from(Instant.now().minus(89, ChronoUnit.DAYS)));
    try (TestServer server = TestServer.start(Map.of("VYOMA_DATA_DIR", dataDir.toString()))) {
      assertEquals(3600, server.config().retention().getInteger("sweep_interval_seconds"), "only the sweep at start runs");
      Wait.eventually(WITHIN, EVERY, () -> !Files.exists(old), () -> "the file written 91 days ago is still there");
      assertTrue(Files.exists(recent), "the file written 89 days ago is kept");
      Scrape.until(() -> server.api().get("/metrics", null), "vyoma_retention_pruned_rows_total",
        Map.of("table", "mail_files"), 1);
    }
  }

  private static JsonObject onlyEvent(TestServer server, String token, String query) {
    List<JsonObject> events = events(server, token, query);
    assertEquals(1, events.size(), events::toString);
    return events.get(0);
  }

  private static List<JsonObject> events(TestServer server, String token, String query) {
    JsonObject page = assertJson(server.api().get("/events" + query, token), 200);
    assertFalse(page.getBoolean("has_more"));
    return page.getJsonArray("events").stream().map(JsonObject.class::cast).toList();
  }

  private static List<String> deliveries(TestServer server, String admin, String webhook, String query) {
    return new JsonArray(server.api().get("/webhooks/" + webhook + "/deliveries" + query, admin).bodyAsString()).stream()
      .map(delivery -> ((JsonObject) delivery).getString("id")).toList();
  }

  private static void update(String sql, String id) {
    try (Connection db = DriverManager.getConnection(TestServer.sharedJdbcUrl());
         PreparedStatement update = db.prepareStatement(sql)) {
      update.setString(1, id);
      assertTrue(update.executeUpdate() > 0, sql);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int count(String sql, String id) {
    try (Connection db = DriverManager.getConnection(TestServer.sharedJdbcUrl());
         PreparedStatement count = db.prepareStatement(sql)) {
      count.setString(1, id);
      try (ResultSet rows = count.executeQuery()) {
        rows.next();
        return rows.getInt(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
