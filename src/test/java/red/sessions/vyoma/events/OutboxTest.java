package red.sessions.vyoma.events;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link Outbox#appendAll} numbers each subject once per statement, so two events of one subject in one call would
 * take one sequence number between them (or be refused by PostgreSQL's upsert); it refuses them before any SQL is
 * sent. That the events it takes are numbered and ordered as one by one is the bookings' and packages' tests' part
 * (a booking's package event and its own, over HTTP).
 */
class OutboxTest {

  @Test
  void twoEventsOfOneSubjectAreNotAppendedTogether() {
    UUID booking = UUID.randomUUID();
    List<String> users = List.of("student", "teacher");
    Outbox.Entry created = new Outbox.Entry(EventType.BOOKING_CREATED, Subject.booking(booking), users, new JsonObject());
    Outbox.Entry confirmed = new Outbox.Entry(EventType.BOOKING_CONFIRMED, Subject.session(booking, UUID.randomUUID()),
      users, new JsonObject());
    assertThrows(IllegalArgumentException.class, () -> Outbox.appendAll(null, List.of(created, confirmed)));
  }
}
