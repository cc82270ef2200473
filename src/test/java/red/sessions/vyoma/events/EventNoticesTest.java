package red.sessions.vyoma.events;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import red.sessions.vyoma.support.ServerTest;
import red.sessions.vyoma.support.SharedPool;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node hears of events committed by anyone (here, rows written straight into the outbox, as another node's
 * transaction would): the notices name their users, and a flood of events wakes everyone instead.
 */
class EventNoticesTest extends ServerTest {

  @RegisterExtension
  static final SharedPool DATABASE = new SharedPool();
  /** Every user this class's events name, so that they can be cleared away after it. */
  private static final String PREFIX = "notices-" + UUID.randomUUID() + "-";
  private static final LinkedBlockingQueue<JsonObject> notices = new LinkedBlockingQueue<>();

  @BeforeAll
  static void listen() throws InterruptedException {
    DATABASE.vertx().eventBus().<JsonObject>localConsumer(EventNotices.ADDRESS, notice -> notices.add(notice.body()));
    DATABASE.vertx().deployVerticle(new EventNotices(DATABASE.pool(), new JsonObject().put("notice_poll_ms", 20)))
      .await();
    assertEquals(Optional.empty(), EventNotices.users(next()), "everyone, once, when it starts");
  }

  @AfterAll
  static void clearAway() {
    DATABASE.pool().preparedQuery("DELETE FROM events WHERE users[1] LIKE $1").execute(Tuple.of(PREFIX + "%")).await();
  }

  private static JsonObject next() throws InterruptedException {
    JsonObject notice = notices.poll(10, TimeUnit.SECONDS);
    assertNotNull(notice, "no notice within 10 s");
    return notice;
  }

  /** Commits one event per list of users, in one transaction. */
  private static void commit(List<List<String>> users) {
    DATABASE.pool().withTransaction(connection -> connection.preparedQuery(
          "INSERT INTO events (type, subject_id, subject, sequence, users, data) VALUES ($1, $2, '{}', 1, $3, '{}')")
        .executeBatch(users.stream()
          .map(named -> Tuple.of(EventType.PING.wire(), UUID.randomUUID(), named.toArray(String[]::new))).toList()))
      .await();
  }

  @Test
  void aNoticeNamesTheUsersOfTheEventsCommitted() throws InterruptedException {
    notices.clear();
    String ada = PREFIX + "ada";
    String grace = PREFIX + "grace";
    String alan = PREFIX + "alan";
    commit(List.of(List.of(ada, grace), List.of(grace, alan)));

    Set<String> named = new HashSet<>();
    while (!named.containsAll(Set.of(ada, grace, alan))) {
      Optional<List<String>> users = EventNotices.users(next());
      assertTrue(users.isPresent(), "a notice for everyone where two events named three users");
      named.addAll(users.get());
    }
    assertEquals(Set.of(ada, grace, alan),
      named.stream().filter(user -> user.startsWith(PREFIX)).collect(Collectors.toSet()));
  }

  @Test
  void moreEventsThanOneLookTakesWakeEveryone() throws InterruptedException {
    notices.clear();
    commit(IntStream.rangeClosed(0, EventNotices.MOST_EVENTS).mapToObj(n -> List.of(PREFIX + "flood")).toList());

    assertEveryoneWokenBeforeAnyNoticeNames(PREFIX + "flood");
  }

  @Test
  void moreUsersThanOneNoticeNamesWakeEveryone() throws InterruptedException {
    notices.clear();
    commit(IntStream.rangeClosed(0, EventNotices.MOST_USERS).mapToObj(n -> List.of(PREFIX + "user-" + n)).toList());

    assertEveryoneWokenBeforeAnyNoticeNames(PREFIX + "user-");
  }

  /** The other servers on the database may be heard of too: the notices before everyone's must not name these. */
  private static void assertEveryoneWokenBeforeAnyNoticeNames(String prefix) throws InterruptedException {
    Optional<List<String>> users = EventNotices.users(next());
    while (users.isPresent()) {
      assertTrue(users.get().stream().noneMatch(user -> user.startsWith(prefix)), () -> "named in a notice: " + prefix);
      users = EventNotices.users(next());
    }
  }
}
