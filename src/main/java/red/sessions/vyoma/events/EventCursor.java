package red.sessions.vyoma.events;

/**
 * A place in the outbox's order: after the event at this transaction id and position. Only events of
 * transactions older than every one still running are read, so nothing can later appear before a cursor.
 */
public record EventCursor(String txid, long position) {

  /** Before every event. */
  public static final EventCursor BEGINNING = new EventCursor("0", 0);
}
